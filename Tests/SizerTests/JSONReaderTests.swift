import Foundation
import SizerCore
import SizerProtocol
import Testing

/// The hand-written reader must read what `SizerJSON.decoder()` reads, and refuse what it refuses.
struct JSONReaderTests {
    static func replies(count: Int, seed: UInt64) -> [AgentEvaluate.Result] {
        var g = SplitMix64(seed: seed)
        return (0..<count).compactMap { round in
            let turn = TurnResult(turn: round, candidates: (0..<Int(g.next() % 9)).map { JSONWriterTests.candidate(&g, index: $0) })
            let reply = AgentEvaluate.Result(turn: turn, simulationsUsed: Int(g.next() % 500), budget: 500,
                                             status: JobStatus.allCases[Int(g.next() % 5)])
            // Overflowing margins cannot be written at all; leave them out.
            return (try? SizerJSON.encoder().encode(reply)) == nil ? nil : reply
        }
    }

    @Test func turnRepliesReadTheSameAsWithTheDecoder() throws {
        var compared = 0
        for reply in Self.replies(count: 200, seed: 5) {
            for pretty in [false, true] {
                let bytes = Array(try SizerJSON.encoder(pretty: pretty).encode(reply))
                let quick = try JSONReader.read(AgentEvaluate.Result.self, from: bytes)
                let slow = try SizerJSON.decoder().decode(AgentEvaluate.Result.self, from: Data(bytes))
                #expect(quick.turn == slow.turn)
                #expect(quick.simulationsUsed == slow.simulationsUsed && quick.budget == slow.budget && quick.status == slow.status)
                // And it is the value that was written (negative zero included).
                #expect(quick.turn == reply.turn)
                compared += 1
            }
        }
        #expect(compared > 300)
    }

    @Test func runLogBlobsReadTheSameAsWithTheDecoder() throws {
        var g = SplitMix64(seed: 21)
        for _ in 0..<100 {
            let targets = (0..<Int(g.next() % 5)).map { _ in
                SpecTarget(metric: JSONWriterTests.text(&g), bound: g.next() % 2 == 0 ? .lower : .upper,
                           target: JSONWriterTests.number(&g), weight: JSONWriterTests.number(&g))
            }
            let bytes = Array(try SizerJSON.encoder().encode(targets))
            #expect(try JSONReader.read([SpecTarget].self, from: bytes) == SizerJSON.decoder().decode([SpecTarget].self, from: Data(bytes)))
        }
    }

    @Test func invalidUTF8IsRefusedLikeTheDecoderRefusesIt() {
        let bytes = Array(#"{"corner":"tt"#.utf8) + [0xFF] + Array(#"","errors":[],"metrics":{},"outcome":"ok","sim_seconds":1}"#.utf8)
        #expect(throws: (any Error).self) { try JSONReader.read(CornerResult.self, from: bytes) }
        #expect(throws: (any Error).self) { try SizerJSON.decoder().decode(CornerResult.self, from: Data(bytes)) }
    }

    @Test func escapesAndUnknownMembersAreRead() throws {
        let text = #"{"extra":{"a":[1,2,{"b":null}],"c":"\"x\""},"corner":"tt\u00e9\ud83d\ude00\/\t","errors":["line\nbreak","\u0001"],"metrics":{"gain_db":-0,"ugf_hz":null,"p":1E-3},"outcome":"ok","sim_seconds":2.5e+0}"#
        let quick = try JSONReader.read(CornerResult.self, from: Array(text.utf8))
        let slow = try SizerJSON.decoder().decode(CornerResult.self, from: Data(text.utf8))
        #expect(quick == slow)
        #expect(quick.corner == "tt\u{e9}\u{1F600}/\t")
        #expect(quick.metrics["p"] == 0.001)
    }

    @Test func truncatedOrBrokenDocumentsAreRefusedNotMisread() throws {
        let reply = try #require(Self.replies(count: 20, seed: 9).first { !$0.turn.candidates.isEmpty })
        let bytes = Array(try SizerJSON.encoder().encode(reply))
        var refused = 0
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            #expect(throws: (any Error).self) { try JSONReader.read(AgentEvaluate.Result.self, from: Array(bytes[..<length])) }
            refused += 1
        }
        #expect(refused > 50)
        for bad in [#"{"turn":{"turn":1,"candidates":[]},"budget":5,"status":"running"}"#,  // no simulations_used
                    #"{"turn":{"turn":1,"candidates":[]},"simulations_used":1,"budget":5,"status":"sleeping"}"#,
                    #"{"turn":{"turn":1.5,"candidates":[]},"simulations_used":1,"budget":5,"status":"done"}"#,
                    #"{"turn":{"turn":1,"candidates":[]},"simulations_used":1,"budget":5,"status":"done"} x"#,
                    #"{"turn":{"turn":+1,"candidates":[]},"simulations_used":1,"budget":5,"status":"done"}"#,
                    #"{"turn":{"turn":01,"candidates":[]},"simulations_used":1,"budget":5,"status":"done"}"#,
                    #"{"turn":{"turn":1,"candidates":[]},"simulations_used":1.,"budget":5,"status":"done"}"#,
                    #"{"turn":{"turn":1,"candidates":[]},"simulations_used":1,"budget":5,"status":"\#u{FF}"}"#] {
            #expect(throws: (any Error).self) { try JSONReader.read(AgentEvaluate.Result.self, from: Array(bad.utf8)) }
            #expect(throws: (any Error).self) { try SizerJSON.decoder().decode(AgentEvaluate.Result.self, from: Data(bad.utf8)) }
        }
    }
}
