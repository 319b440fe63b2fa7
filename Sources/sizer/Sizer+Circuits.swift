import ArgumentParser
import Circuits
import Foundation
import SizerCore

extension Sizer {
    struct Circuits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in and user circuits.")

        @OptionGroup var output: OutputOptions

        struct Entry: Codable {
            var name: String
            var builtIn: Bool
            var specFile: String
            var models: String?
            var variables: Int?
            var specs: [String]?
            var description: String?
            var error: String?
        }

        func run() async throws {
            let catalog = CircuitCatalog(paths: .resolve(userSpecDirectories: output.specDirectories))
            var entries: [Entry] = []
            for file in catalog.specFiles() {
                var entry = Entry(name: file.name, builtIn: file.builtIn, specFile: file.path)
                do {
                    let circuit = try Circuit.load(specPath: file.path, paths: catalog.paths)
                    entry.models = circuit.spec.models
                    entry.variables = circuit.space.dimension
                    entry.specs = circuit.spec.specs.map { "\($0.metric) \($0.bound == .lower ? ">=" : "<=") \(SpiceNumber.format($0.target))" }
                    entry.description = circuit.spec.description
                } catch {
                    entry.error = "\(error)"
                }
                entries.append(entry)
            }
            if output.json {
                print(String(decoding: try SizerJSON.encoder().encode(["circuits": entries]), as: UTF8.self))
                return
            }
            for e in entries {
                let kind = e.builtIn ? "built-in" : "user"
                if let error = e.error {
                    print("\(e.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(kind)  ERROR: \(error)")
                } else {
                    print("\(e.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(kind.padding(toLength: 8, withPad: " ", startingAt: 0))  \(e.models ?? "")  \(e.variables ?? 0) variables  \(e.description ?? "")")
                }
            }
        }
    }
}
