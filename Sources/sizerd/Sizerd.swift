import ArgumentParser
import SimulationWorker

@main
struct Sizerd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizerd",
        abstract: "The Sizer daemon and its simulation worker.",
        subcommands: [Worker.self]
    )
}

extension Sizerd {
    /// The simulation child process started by the worker pool; not for direct use.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve simulation requests on stdin/stdout (started by the worker pool).",
            shouldDisplay: false
        )

        func run() throws {
            let status = SimulationWorkerMain.run()
            if status != 0 { throw ExitCode(status) }
        }
    }
}
