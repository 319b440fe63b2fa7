import ArgumentParser

@main
struct Sizer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizer",
        abstract: "Size analog circuits: evaluate designs, list circuits, benchmark the simulator.",
        subcommands: [Circuits.self, Eval.self, Bench.self]
    )
}

/// Options every command shares.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @Option(name: .customLong("specs"), help: "An extra folder of user spec files (repeatable).")
    var specDirectories: [String] = []
}
