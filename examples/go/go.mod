module github.com/loka-project/loka/examples/go

go 1.19

require github.com/loka-project/loka/bindings/go v0.0.0

replace github.com/loka-project/loka/bindings/go => ../../bindings/go
