import OpenKoiCLI

// Synchronous on purpose: an async @main costs a static executable ~45 ms per subcommand (DESIGN.md §4).
OpenKoiCommand.main()
