import Foundation
import Linalg
import SizerCore

/// A tanh multilayer perceptron with a linear output layer, evaluated over a slice of a flat
/// parameter vector with hand-written backpropagation.
///
/// Parameter layout, layer by layer: the row-major weights (`out x in`), then the biases.
struct MLP: Sendable {
    let shape: NetworkShape
    /// Offset of each layer's weights in the flat vector; its biases follow the weights.
    private let layerOffsets: [Int]

    init(shape: NetworkShape) {
        self.shape = shape
        let w = shape.widths
        var offsets: [Int] = []
        var offset = 0
        for layer in 1..<w.count {
            offsets.append(offset)
            offset += w[layer] * w[layer - 1] + w[layer]
        }
        layerOffsets = offsets
    }

    var layerCount: Int { layerOffsets.count }

    /// Activations of every layer for one input; `activations.last` is the output.
    struct Trace: Sendable {
        var activations: [[Double]]
        var output: [Double] { activations[activations.count - 1] }
    }

    /// Uniform(-1/sqrt(in), 1/sqrt(in)) weights, zero biases; the output layer is scaled by
    /// `outputScale` so the untrained network starts near a zero output.
    func initialParameters(outputScale: Double, using generator: inout SplitMix64) -> [Double] {
        var parameters = [Double](repeating: 0, count: shape.parameterCount)
        let w = shape.widths
        for layer in 0..<layerCount {
            let fanIn = w[layer], fanOut = w[layer + 1]
            let limit = 1 / Double(fanIn).squareRoot() * (layer == layerCount - 1 ? outputScale : 1)
            for i in 0..<(fanIn * fanOut) {
                parameters[layerOffsets[layer] + i] = (2 * generator.nextUnit() - 1) * limit
            }
        }
        return parameters
    }

    func forward(_ input: [Double], parameters: [Double]) -> Trace {
        precondition(input.count == shape.inputCount, "input has \(input.count) features, network expects \(shape.inputCount)")
        let w = shape.widths
        var activations = [input]
        activations.reserveCapacity(w.count)
        parameters.withUnsafeBufferPointer { p in
            for layer in 0..<layerCount {
                let fanIn = w[layer], fanOut = w[layer + 1]
                let weights = UnsafeBufferPointer(rebasing: p[layerOffsets[layer]..<(layerOffsets[layer] + fanIn * fanOut)])
                let biasStart = layerOffsets[layer] + fanIn * fanOut
                let bias = UnsafeBufferPointer(rebasing: p[biasStart..<(biasStart + fanOut)])
                var next = [Double](repeating: 0, count: fanOut)
                activations[layer].withUnsafeBufferPointer { x in
                    next.withUnsafeMutableBufferPointer { y in
                        DenseKernels.affine(weights: weights, bias: bias, input: x, output: y)
                    }
                }
                if layer < layerCount - 1 {
                    for i in 0..<fanOut { next[i] = tanh(next[i]) }
                }
                activations.append(next)
            }
        }
        return Trace(activations: activations)
    }

    /// Adds d(loss)/d(parameters) to `gradient`, given d(loss)/d(output) for the traced input.
    func backward(_ trace: Trace, outputGradient: [Double], parameters: [Double], gradient: inout [Double]) {
        precondition(outputGradient.count == shape.outputCount && gradient.count >= shape.parameterCount)
        let w = shape.widths
        var delta = outputGradient
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                for layer in stride(from: layerCount - 1, through: 0, by: -1) {
                    let fanIn = w[layer], fanOut = w[layer + 1]
                    let weightRange = layerOffsets[layer]..<(layerOffsets[layer] + fanIn * fanOut)
                    let biasRange = weightRange.upperBound..<(weightRange.upperBound + fanOut)
                    let input = trace.activations[layer]
                    delta.withUnsafeBufferPointer { d in
                        input.withUnsafeBufferPointer { x in
                            DenseKernels.accumulateOuterProduct(
                                outputGradient: d, input: x,
                                weightGradient: UnsafeMutableBufferPointer(rebasing: g[weightRange]),
                                biasGradient: UnsafeMutableBufferPointer(rebasing: g[biasRange]))
                        }
                    }
                    guard layer > 0 else { break }
                    var previous = [Double](repeating: 0, count: fanIn)
                    delta.withUnsafeBufferPointer { d in
                        previous.withUnsafeMutableBufferPointer { back in
                            DenseKernels.transposedProduct(weights: UnsafeBufferPointer(rebasing: p[weightRange]),
                                                           outputGradient: d, inputGradient: back)
                        }
                    }
                    // Through tanh: d tanh(z) / dz = 1 - tanh(z)^2, and the activation is tanh(z).
                    for i in 0..<fanIn { previous[i] *= 1 - input[i] * input[i] }
                    delta = previous
                }
            }
        }
    }
}
