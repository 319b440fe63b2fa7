/// Layer widths of a fully connected network; with the flat weights it is all a checkpoint
/// needs to rebuild the network.
public struct NetworkShape: Codable, Sendable, Hashable {
    public var inputCount: Int
    public var hiddenSizes: [Int]
    public var outputCount: Int

    public init(inputCount: Int, hiddenSizes: [Int], outputCount: Int) {
        precondition(inputCount > 0 && outputCount > 0 && hiddenSizes.allSatisfy { $0 > 0 })
        self.inputCount = inputCount
        self.hiddenSizes = hiddenSizes
        self.outputCount = outputCount
    }

    /// Widths from input to output.
    public var widths: [Int] { [inputCount] + hiddenSizes + [outputCount] }

    /// Weights and biases of all layers.
    public var parameterCount: Int {
        let w = widths
        return (1..<w.count).reduce(0) { $0 + w[$1] * w[$1 - 1] + w[$1] }
    }
}
