/// A copy of one simulator vector, taken out of ngspice memory at once.
public struct SpiceVector: Sendable, Equatable {
    public var name: String
    public var real: [Double]
    /// Imaginary parts for complex vectors (AC analyses); empty for real vectors.
    public var imaginary: [Double]

    public var isComplex: Bool { !imaginary.isEmpty }
    public var count: Int { real.count }

    public init(name: String, real: [Double], imaginary: [Double] = []) {
        self.name = name
        self.real = real
        self.imaginary = imaginary
    }

    public var allFinite: Bool {
        real.allSatisfy(\.isFinite) && imaginary.allSatisfy(\.isFinite)
    }
}
