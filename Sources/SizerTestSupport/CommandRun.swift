import Foundation

/// Runs a built executable to completion and captures its output.
public struct CommandRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// `launcher`, if given, is a command that execs the rest of its arguments (e.g. `setpriv ... --`).
    public static func run(_ name: String, _ arguments: [String], timeout: Double = 600,
                           launcher: [String] = []) throws -> CommandRun {
        let process = Process()
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [TestPaths.executable(name)] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: TestPaths.executable(name))
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SIZER_HOME"] = TestPaths.repository
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: TestPaths.repository)
        let directory = TestPaths.temporaryDirectory("run")
        let out = directory + "/stdout", err = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return CommandRun(status: process.terminationStatus,
                          stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// stdout parsed as one JSON object.
    public var json: [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
    }
}
