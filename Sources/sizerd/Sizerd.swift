import ArgumentParser
import Circuits
import Daemon
import Foundation
import Logging
import SimulationWorker
import SpiceDeck
import WorkerPool

@main
struct Sizerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizerd",
        abstract: "The Sizer daemon: simulation worker pool, run log and JSON-RPC socket.",
        subcommands: [Serve.self, Worker.self],
        defaultSubcommand: Serve.self
    )
}

extension Sizerd {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve JSON-RPC on a Unix socket until SIGTERM or SIGINT (the default command).")

        @Option(help: "Unix socket path (created with mode 0660).")
        var socket = DaemonConfiguration.defaultSocketPath

        @Option(help: "SQLite run log (created and migrated if needed).")
        var db = DaemonConfiguration.defaultDatabasePath

        @Option(help: "Simulation worker processes (default: one per core).")
        var workers = WorkerPoolConfiguration.coreCount

        @Option(help: "Also listen on TCP, [HOST:]PORT (HOST defaults to 127.0.0.1; needs --token-file).")
        var tcp: String?

        @Option(help: "File holding the token TCP clients must send in hello.")
        var tokenFile: String?

        @Flag(help: "Allow --tcp on a non-loopback address.")
        var allowRemoteTcp = false

        @Option(help: "Seconds an agent may stay silent before its job returns to the queue.")
        var leaseSeconds: Double = 30

        @Option(name: .customLong("specs"), help: "A folder of user spec files to serve next to the built-in circuits (repeatable).")
        var specDirectories: [String] = []

        func validate() throws {
            guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
            guard leaseSeconds.isFinite, leaseSeconds >= 1, leaseSeconds <= 3600 else {
                throw ValidationError("--lease-seconds must be between 1 and 3600")
            }
            if tcp != nil && tokenFile == nil { throw ValidationError("--tcp needs --token-file") }
            for directory in specDirectories {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("--specs \(directory) is not a folder")
                }
            }
            if let (host, _) = try parsedTCP(), !allowRemoteTcp, !["127.0.0.1", "::1", "localhost"].contains(host) {
                throw ValidationError("--tcp \(host) is not a loopback address; add --allow-remote-tcp to mean it")
            }
        }

        func parsedTCP() throws -> (String, Int)? {
            guard let tcp else { return nil }
            let parts = tcp.split(separator: ":", omittingEmptySubsequences: false)
            let host = parts.count > 1 ? parts.dropLast().joined(separator: ":") : "127.0.0.1"
            guard let port = Int(parts.last ?? ""), (0...65535).contains(port) else {
                throw ValidationError("--tcp must be [HOST:]PORT, not \(tcp)")
            }
            return (host, port)
        }

        func run() async throws {
            // A write past the file size limit (RLIMIT_FSIZE: `ulimit -f`, systemd's LimitFSIZE=) raises
            // SIGXFSZ, whose default action kills the process. Today the daemon writes on runtime threads
            // that block it (it stays pending there), but that is an accident of the thread layout.
            // Ignored, such a write just fails with EFBIG, which SQLite reports like a full disk: the
            // request gets a clear error, the daemon keeps serving and the run log stays sound.
            // Simulation workers inherit the setting.
            signal(SIGXFSZ, SIG_IGN)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = ProcessInfo.processInfo.environment["SIZER_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
                return handler
            }
            let logger = Logger(label: "sizerd")
            var token: String?
            if let tokenFile {
                guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                    throw ValidationError("cannot read --token-file \(tokenFile)")
                }
                token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let token, token.count >= 16 else { throw ValidationError("the token in \(tokenFile) must have at least 16 characters") }
            }
            let tcpAddress = try parsedTCP()
            let configuration = DaemonConfiguration(
                socketPath: socket, databasePath: db, workers: workers, tcpHost: tcpAddress?.0, tcpPort: tcpAddress?.1,
                token: token, leaseSeconds: leaseSeconds,
                // Absolute: workers simulate in folders of their own.
                paths: SizerPaths.resolve(userSpecDirectories: specDirectories.map {
                    URL(fileURLWithPath: $0).standardizedFileURL.path
                }),
                deckForm: DeckForm(environment: ProcessInfo.processInfo.environment))
            do {
                try await SizerDaemon.run(configuration: configuration, logger: logger)
            } catch let error as DaemonError {
                logger.critical("\(error.description)")
                throw ExitCode(2)
            }
        }
    }

    /// The simulation child process started by the worker pool; not for direct use.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve simulation requests on stdin/stdout (started by the worker pool).",
            shouldDisplay: false
        )

        func run() throws {
            // `SIZER_FUSED_OP=0` runs a separate `op` before `ac`, as before (for side-by-side measurements).
            let status = SimulationWorkerMain.run(fuseOperatingPoint: ProcessInfo.processInfo.environment["SIZER_FUSED_OP"] != "0")
            if status != 0 { throw ExitCode(status) }
        }
    }
}
