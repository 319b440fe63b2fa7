import ArgumentParser
import Foundation
import SizerClient
import SizerCore

@main
struct Sizer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizer",
        abstract: "Size analog circuits: submit and follow sizing jobs, read and replay their history, evaluate designs.",
        subcommands: [Circuits.self, Eval.self, Submit.self, Status.self, Watch.self, History.self, Replay.self,
                      Jobs.self, Cancel.self, Report.self, Bench.self]
    )
}

/// Options every command shares.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @Option(name: .customLong("specs"), help: "An extra folder of user spec files (repeatable).")
    var specDirectories: [String] = []
}

/// How to reach the daemon, for every command that talks to it.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The daemon's Unix socket.")
    var socket = ProcessInfo.processInfo.environment["SIZER_SOCKET"] ?? "var/sizerd.sock"

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func connect() throws -> SizerClient {
        let client = try SizerClient(socketPath: socket)
        _ = try client.hello()
        return client
    }

    /// Prints a value as one JSON object.
    func printJSON<T: Encodable>(_ value: T) throws {
        print(String(decoding: try SizerJSON.encoder().encode(value), as: UTF8.self))
    }
}

/// Prints daemon and connection errors as one line on stderr and exits 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ClientError {
        FileHandle.standardError.write(Data("sizer: \(error.description)\n".utf8))
        throw ExitCode(1)
    } catch let error as SizerProtocol.RPCError {
        FileHandle.standardError.write(Data("sizer: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}

import SizerProtocol
