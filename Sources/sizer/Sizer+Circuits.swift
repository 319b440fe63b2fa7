import ArgumentParser
import Circuits
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension Sizer {
    struct Circuits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the circuits a running daemon serves, or else the built-in and user spec files here.")

        @OptionGroup var output: OutputOptions

        @Option(help: "The daemon's Unix socket; asked when a daemon listens there.")
        var socket = ProcessInfo.processInfo.environment["SIZER_SOCKET"] ?? "var/sizerd.sock"

        @Flag(help: "List the local spec files even when a daemon is running.")
        var local = false

        /// Where the list came from.
        enum Source: String, Codable { case daemon, local }

        struct Listing: Codable {
            var source: Source
            /// The daemon's socket, or why it was not asked.
            var from: String
            var circuits: [Entry]
        }

        struct Entry: Codable {
            var name: String
            var builtIn: Bool
            /// The spec file (local listings only).
            var specFile: String?
            var models: String?
            var variables: Int?
            var specs: [String]?
            var description: String?
            var error: String?
        }

        func run() async throws {
            let listing = try daemonListing() ?? localListing()
            if output.json {
                print(String(decoding: try SizerJSON.encoder().encode(listing), as: UTF8.self))
                return
            }
            print(listing.source == .daemon ? "circuits served by sizerd at \(listing.from)"
                                            : "circuits in local spec folders (\(listing.from))")
            let entries = listing.circuits
            for e in entries {
                let kind = e.builtIn ? "built-in" : "user"
                if let error = e.error {
                    print("\(e.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(kind)  ERROR: \(error)")
                } else {
                    print("\(e.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(kind.padding(toLength: 8, withPad: " ", startingAt: 0))  \(e.models ?? "")  \(e.variables ?? 0) variables  \(e.description ?? "")")
                }
            }
        }

        /// The daemon's circuits, if one answers on the socket and no local listing was asked for.
        func daemonListing() throws -> Listing? {
            guard !local, output.specDirectories.isEmpty, let client = try? SizerClient(socketPath: socket),
                  (try? client.hello()) != nil else { return nil }
            let served = try reportingErrors { try client.call(CircuitsList.self, NoParams()) }
            return Listing(source: .daemon, from: socket, circuits: served.circuits.map {
                Entry(name: $0.name, builtIn: $0.builtIn, models: $0.models, variables: $0.variables, specs: $0.specs,
                      description: $0.description)
            })
        }

        func localListing() -> Listing {
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
            let why = local || !output.specDirectories.isEmpty ? "asked for" : "no sizerd at \(socket)"
            return Listing(source: .local, from: why, circuits: entries)
        }
    }
}
