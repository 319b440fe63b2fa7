import ArgumentParser

extension Sizer {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks, measured side by side in one run.",
            subcommands: [BenchSim.self, BenchDaemon.self, BenchLoad.self]
        )
    }
}
