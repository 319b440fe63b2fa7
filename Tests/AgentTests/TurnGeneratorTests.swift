import Agent
import SizerCore
import Testing

@Suite struct TurnGeneratorTests {
    @Test func sameSeedAndTurnGiveTheSameStream() {
        let task = SizingTask(circuit: "c", variables: [], specs: [], budget: 10, groupSize: 2, seed: 7)
        var a = task.generator(turn: 3)
        var b = task.generator(turn: 3)
        var c = task.generator(turn: 4)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
    }
}
