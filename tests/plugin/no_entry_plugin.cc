// A shared library without the plugin entry point, for the loader's error path.
extern "C" int loka_not_a_plugin() { return 42; }
