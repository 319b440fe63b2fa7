import Agent
import Circuits
import Foundation
import SizerTestSupport
import Testing

/// Every checkpoint in `policies/` serves its circuit as the spec files stand: an edited spec or
/// netlist would make the agent refuse the shipped policy (spec hash) at run time.
@Suite struct ShippedPoliciesTests {
    static let files: [String] = {
        let directory = TestPaths.repository + "/policies"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test func everyBuiltInSizingCircuitWithAPolicyHasBothAlgorithms() {
        #expect(Self.files.count >= 8)
        let circuits = Set(Self.files.map { $0.split(separator: ".").first.map(String.init) ?? "" })
        for circuit in circuits {
            #expect(Self.files.contains("\(circuit).tlgrpo.json") && Self.files.contains("\(circuit).grpo.json"), "\(circuit)")
        }
    }

    @Test(arguments: files)
    func aShippedPolicyMatchesItsCircuitAsItStandsToday(file: String) throws {
        let parts = file.split(separator: ".").map(String.init)
        try #require(parts.count == 3, "name it CIRCUIT.ALGORITHM.json")
        let data = try #require(FileManager.default.contents(atPath: TestPaths.repository + "/policies/" + file))
        let checkpoint = try PolicyCheckpoint(jsonData: data)
        let circuit = try TestPaths.circuit(parts[0])
        #expect(checkpoint.circuit == parts[0])
        #expect(checkpoint.algorithm.rawValue == parts[1])
        #expect(checkpoint.metadata["spec_hash"] == circuit.contentHash,
                "retrain \(file): it was trained for another version of the spec or netlist")
        #expect(checkpoint.features.dimension == circuit.space.dimension)
        _ = try checkpoint.policy()
    }
}
