import Circuits
import Evaluation
import Foundation
import SimulationWire
import SizerCore
import SizerTestSupport
import SpiceDeck
import Testing
import WorkerPool

/// The trimmed SKY130 library generated at setup must equal the PDK's full library section.
@Suite(.serialized) struct TrimmedLibraryTests {
    @Test(arguments: ["tt", "ff", "ss", "sf", "fs"])
    func trimmedEqualsFullLibraryAtEveryCorner(process: String) async throws {
        let full = TestPaths.fullSky130Library
        try #require(FileManager.default.fileExists(atPath: full), "run `make setup` first: \(full) is missing")
        let circuit = try TestPaths.circuit("ota5t")
        let pool = try await TestPaths.pool(workers: 1)
        let corner = Corner(process: process, temperatureC: 27, supplyV: 1.8)
        var generator = SplitMix64(seed: 9)
        let design = circuit.space.physical((0..<circuit.space.dimension).map { _ in generator.nextUnit() })

        let trimmed = circuit.request(values: design, corners: [corner], freshLoad: true)
        var withFull = trimmed
        withFull.points[0].deck = trimmed.points[0].deck!.map {
            $0.hasPrefix(".lib ") ? ".lib \"\(full)\" \(process)" : $0
        }
        let a = try await Self.simulate(trimmed, pool)
        let b = try await Self.simulate(withFull, pool)
        await pool.shutdown()
        #expect(a.status == .ok && b.status == .ok, "\(a.errors) \(b.errors)")
        #expect(a.metrics == b.metrics)
        #expect(a.operatingPoint == b.operatingPoint)
        #expect(!a.metrics.isEmpty)
    }

    static func simulate(_ request: SimulationRequest, _ pool: WorkerPool) async throws -> PointResult {
        let reply = await pool.submit(try WorkerWire.encode(request), timeout: .seconds(120))
        guard case .reply(let bytes, _) = reply else { throw CircuitError(file: "", "worker did not answer: \(reply)") }
        return try WorkerWire.decodeResponse(bytes).points[0]
    }
}
