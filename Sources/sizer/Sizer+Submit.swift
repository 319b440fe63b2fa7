import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension Sizer {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a sizing job; prints its id.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Circuit name (see `sizer circuits`).")
        var circuit: String?

        @Option(help: "A spec file of your own: sends it and its netlist to the daemon (circuits.register), then sizes it.")
        var spec: String?

        @Option(help: "Optimizer: tlgrpo, grpo, bo or random.")
        var optimizer: String

        @Option(help: "Simulations the job may spend, counting every candidate.")
        var budget: Int

        @Option(help: "Candidates per turn (default: min(8, budget)).")
        var group: Int?

        @Option(help: "Seed of every random choice of the optimizer.")
        var seed: Int64 = 0

        @Option(help: "JSON file with targets: {\"gain_db\": 65, ...} (others keep their defaults).")
        var target: String?

        @Option(help: "Use target K of the circuit's held-out test split.")
        var testTarget: Int?

        @Option(help: "Corners: nominal, all, or a list such as tt_27C_1.8V,ss_-40C_1.62V.")
        var corners: String = "nominal"

        func validate() throws {
            guard (circuit == nil) != (spec == nil) else { throw ValidationError("give one of --circuit and --spec") }
            guard budget > 0 else { throw ValidationError("--budget must be positive") }
            if let group, group <= 0 { throw ValidationError("--group must be positive") }
            if target != nil && testTarget != nil { throw ValidationError("--target excludes --test-target") }
            guard seed >= 0 else { throw ValidationError("--seed must not be negative") }
        }

        func run() async throws {
            try reportingErrors {
                let client = try connection.connect()
                var circuit = self.circuit ?? ""
                if let spec {
                    let registered = try client.call(CircuitsRegister.self, try SpecUpload.params(specPath: spec))
                    circuit = registered.name
                    if !connection.json {
                        print("circuit \(registered.name) \(registered.created ? "registered" : "already registered") (hash \(registered.specHash))")
                    }
                }
                var targets: [SpecTarget]?
                if let target {
                    let describe = try client.call(CircuitsDescribe.self, .init(circuit: circuit))
                    targets = try TargetOverrides.load(target, specs: describe.specs)
                }
                let job = try client.call(JobsSubmit.self, JobsSubmit.Params(
                    circuit: circuit, optimizer: optimizer, budget: budget, groupSize: group, seed: seed,
                    targets: targets, testTarget: testTarget, corners: CornerSelection.parse(corners)))
                if connection.json {
                    try connection.printJSON(job)
                } else {
                    print("job \(job.id) queued: \(job.circuit), \(job.optimizer), budget \(job.budget), group \(job.groupSize), targets \(job.targetSource)")
                    print("follow it with: sizer watch \(job.id)")
                }
            }
        }
    }
}

extension CornerSelection {
    static func parse(_ text: String) -> CornerSelection {
        switch text {
        case "nominal": .nominal
        case "all": .all
        default: .labels(text.split(separator: ",").map(String.init))
        }
    }
}

/// `--target FILE`: a JSON object of metric -> target value over the circuit's default specs.
enum TargetOverrides {
    static func load(_ path: String, specs: [SpecInfo]) throws -> [SpecTarget] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read --target \(path)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("--target \(path): expected a JSON object such as {\"gain_db\": 60}")
        }
        var targets = specs.map { SpecTarget(metric: $0.metric, bound: $0.bound, target: $0.target, weight: $0.weight) }
        for (metric, raw) in object {
            guard let index = targets.firstIndex(where: { $0.metric == metric }) else {
                throw ValidationError("--target: '\(metric)' is not a spec (specs: \(targets.map(\.metric).joined(separator: ", ")))")
            }
            guard let value = (raw as? NSNumber)?.doubleValue, value.isFinite else {
                throw ValidationError("--target: '\(metric)' must be a finite number")
            }
            targets[index].target = value
        }
        return targets
    }
}

/// A spec file and its netlist as `circuits.register` takes them. The netlist is found as Sizer
/// finds it for a spec folder: `../netlists/NAME` beside the spec's folder, or an absolute path.
enum SpecUpload {
    static func params(specPath: String) throws -> CircuitsRegister.Params {
        guard let data = FileManager.default.contents(atPath: specPath) else {
            throw ValidationError("cannot read --spec \(specPath)")
        }
        let spec: JSONValue
        do {
            spec = try SizerJSON.decoder().decode(JSONValue.self, from: data)
        } catch {
            throw ValidationError("--spec \(specPath) is not valid JSON: \(error)")
        }
        guard case .object(let object) = spec, case .string(let netlist)? = object["netlist"] else {
            throw ValidationError("--spec \(specPath) must be a spec file with a \"netlist\" name")
        }
        let netlistPath = netlist.hasPrefix("/") ? netlist
            : URL(fileURLWithPath: specPath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("netlists").appendingPathComponent(netlist).path
        guard let text = try? String(contentsOfFile: netlistPath, encoding: .utf8) else {
            throw ValidationError("cannot read the netlist \(netlistPath) that --spec \(specPath) names")
        }
        return CircuitsRegister.Params(spec: spec, netlist: text)
    }
}
