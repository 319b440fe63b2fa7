import Foundation
import SizerCore
import SizerProtocol
import Testing

/// The hand-written writer must produce exactly what `SizerJSON.encoder()` produces.
struct JSONWriterTests {
    /// The encoder's text, or nil if it refused the value (an overflowing margin is not finite).
    static func encoded(_ value: some Encodable) -> String? {
        (try? SizerJSON.encoder().encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func written(_ value: some JSONWritable) -> String? {
        (try? value.jsonBytes()).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Numbers of every magnitude, integral ones, negative zero, the extremes.
    static func number(_ g: inout SplitMix64) -> Double {
        switch g.next() % 6 {
        case 0: return Double(Int(g.next() % 2_000_001) - 1_000_000)
        case 1: return [0.0, -0.0, 1e16, 1e15, 5e-324, 1.7976931348623157e308, 0.1, 100][Int(g.next() % 8)]
        default:
            let exponent = Double(Int(g.next() % 61) - 30)
            return (g.nextUnit() - 0.5) * pow(10, exponent)
        }
    }

    static func text(_ g: inout SplitMix64) -> String {
        let pieces = ["gain_db", "a/b", "\"q\"", "back\\slash", "tab\t", "line\n", "\u{1}", "\u{7f}", "é", "µV", "B", "_x", "a10", "a9", " "]
        return (0..<Int(1 + g.next() % 3)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
    }

    static func candidate(_ g: inout SplitMix64, index: Int) -> EvaluatedCandidate {
        var metrics: Metrics = [:]
        for _ in 0..<Int(g.next() % 5) { metrics[text(&g)] = g.next() % 4 == 0 ? .some(nil) : number(&g) }
        var design: [String: Double] = [:]
        for _ in 0..<Int(g.next() % 6) { design[text(&g)] = number(&g) }
        let specs = (0..<Int(g.next() % 4)).map { _ in
            SpecResult(spec: SpecTarget(metric: text(&g), bound: g.next() % 2 == 0 ? .lower : .upper,
                                        target: number(&g), weight: number(&g)),
                       value: g.next() % 3 == 0 ? nil : number(&g))
        }
        let corners = (0..<Int(g.next() % 3)).map { _ in
            CornerResult(corner: text(&g), outcome: EvalOutcome.allCases[Int(g.next() % 5)], metrics: metrics,
                         errors: (0..<Int(g.next() % 3)).map { _ in text(&g) }, simSeconds: number(&g))
        }
        return EvaluatedCandidate(index: index, simulation: g.next() % 2 == 0 ? nil : Int(g.next() % 1000) + 1, x: g.next() % 3 == 0 ? nil : (0..<Int(g.next() % 5)).map { _ in g.nextUnit() },
                               design: design, outcome: EvalOutcome.allCases[Int(g.next() % 5)], reward: number(&g),
                               meetsAllSpecs: g.next() % 2 == 0, metrics: metrics, specs: specs,
                               message: g.next() % 2 == 0 ? nil : text(&g), simSeconds: number(&g),
                               worker: g.next() % 2 == 0 ? nil : Int(g.next() % 9), corners: corners)
    }

    @Test func turnRepliesAreWrittenExactlyAsTheEncoderWritesThem() throws {
        var g = SplitMix64(seed: 11)
        var checked = 0
        for round in 0..<300 {
            let turn = TurnResult(turn: round, candidates: (0..<Int(g.next() % 9)).map { Self.candidate(&g, index: $0) })
            let reply = AgentEvaluate.Result(turn: turn, simulationsUsed: Int(g.next() % 500), budget: 500,
                                             status: JobStatus.allCases[Int(g.next() % 5)])
            #expect(Self.written(reply) == Self.encoded(reply))
            if Self.encoded(reply) != nil { checked += 1 }
            for candidate in turn.candidates {
                // The run log's blobs.
                #expect(Self.written(candidate.metrics) == Self.encoded(candidate.metrics))
                #expect(Self.written(candidate.design) == Self.encoded(candidate.design))
                #expect(Self.written(candidate.specs) == Self.encoded(candidate.specs))
                #expect(Self.written(candidate.x) == Self.encoded(candidate.x))
            }
        }
        #expect(checked > 200)
    }

    @Test func nonFiniteNumbersAreRefusedLikeTheEncoderRefusesThem() {
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(throws: JSONWriter.NonFiniteNumber.self) { try [bad].jsonBytes() }
            #expect(throws: (any Error).self) { try SizerJSON.encoder().encode([bad]) }
            let metrics: Metrics = ["gain_db": bad]
            #expect(throws: JSONWriter.NonFiniteNumber.self) { try metrics.jsonBytes() }
        }
    }
}
