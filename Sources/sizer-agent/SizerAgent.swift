import ArgumentParser
import Foundation

@main
struct SizerAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizer-agent",
        abstract: "The TL-GRPO agent worker: claims sizing jobs from sizerd and runs their optimizers turn by turn.",
        subcommands: [Serve.self, Train.self, Bench.self, Export.self, Import.self]
    )
}

/// How to reach the daemon.
struct AgentConnectionOptions: ParsableArguments {
    @Option(help: "The daemon's Unix socket.")
    var socket = ProcessInfo.processInfo.environment["SIZER_SOCKET"] ?? "var/sizerd.sock"
}
