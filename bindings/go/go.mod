module github.com/loka-project/loka/bindings/go

go 1.19
