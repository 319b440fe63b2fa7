import Foundation
import SizerTestSupport
import Testing

/// Sizer's install root (built-in circuits, PDK, policies) is not the user's project folder.
@Suite struct InstallRootTests {
    /// Runs the built `sizer` from `directory` without SIZER_HOME, as a user would.
    static func sizer(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.executable("sizer"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SIZER_HOME"] = nil
        environment["SIZER_SOCKET"] = nil
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    @Test func aProjectWithItsOwnSpecsFolderKeepsSizersBuiltInsAndPDK() throws {
        // Given a user's project laid out as the docs describe, with a copy of a built-in circuit,
        let project = TestPaths.temporaryDirectory("project")
        for folder in ["specs", "netlists"] {
            try FileManager.default.createDirectory(atPath: project + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: TestPaths.repository + "/netlists/two_stage.cir",
                                         toPath: project + "/netlists/two_stage.cir")
        let spec = try String(contentsOfFile: TestPaths.repository + "/specs/two_stage.json", encoding: .utf8)
        try spec.replacingOccurrences(of: #""name": "two_stage""#, with: #""name": "mine""#)
            .write(toFile: project + "/specs/mine.json", atomically: true, encoding: .utf8)
        // when `sizer` runs from it, then the built-ins are Sizer's and the user's circuit is a user one,
        let listed = try Self.sizer(["circuits", "--local", "--specs", "specs"], in: project)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("two_stage") && $0.contains("built-in") })
        #expect(lines.contains { $0.hasPrefix("mine") && $0.contains("user") })
        // and it simulates with the installed PDK.
        let eval = try Self.sizer(["eval", "--local", "--specs", "specs", "--circuit", "mine"], in: project)
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("outcome  ok"))
    }
}
