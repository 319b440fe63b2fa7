import Foundation

/// A small line-and-marker plot written as standalone SVG: enough for convergence and
/// success-rate curves without a plotting dependency.
public struct SVGPlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Draw markers only (no line).
        public var markersOnly: Bool
        public init(name: String, points: [(x: Double, y: Double)], markersOnly: Bool = false) {
            self.name = name
            self.points = points
            self.markersOnly = markersOnly
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    /// Fixed y range (default: the data's).
    public var yRange: ClosedRange<Double>?
    public var width = 720.0
    public var height = 440.0

    public init(title: String, xLabel: String, yLabel: String, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    public func render() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xTicks = AxisTicks(covering: all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        let yTicks = yRange.map { AxisTicks(covering: $0.lowerBound, $0.upperBound) }
            ?? AxisTicks(covering: all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        // A fixed y range stays as given; otherwise the axes end on round ticks.
        let (xMin, xMax) = (xTicks.range.lowerBound, xTicks.range.upperBound)
        let (yMin, yMax) = yRange.map { ($0.lowerBound, $0.upperBound) } ?? (yTicks.range.lowerBound, yTicks.range.upperBound)
        let left = 70.0, right = 170.0, top = 40.0, bottom = 55.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>"]
        for x in xTicks.values {
            svg.append("<line x1=\"\(f(px(x)))\" y1=\"\(f(top))\" x2=\"\(f(px(x)))\" y2=\"\(f(top + plotHeight))\" stroke=\"#eee\"/>")
            svg.append("<text x=\"\(f(px(x)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(xTicks.label(x))</text>")
        }
        for y in yTicks.values where (yMin - 1e-9 * abs(yMax - yMin))...(yMax + 1e-9 * abs(yMax - yMin)) ~= y {
            svg.append("<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(y)))\" stroke=\"#eee\"/>")
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(yTicks.label(y))</text>")
        }
        svg.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333\"/>")
        svg.append("<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
        svg.append("<text transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>")
        for (index, serie) in series.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let points = serie.points.filter { $0.x.isFinite && $0.y.isFinite }
            if serie.markersOnly {
                for point in points {
                    svg.append("<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(min(yMax, max(yMin, point.y)))))\" r=\"2.5\" fill=\"\(color)\" fill-opacity=\"0.6\"/>")
                }
            } else if !points.isEmpty {
                let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                svg.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            }
            let legendY = top + 14 + Double(index) * 18
            svg.append("<rect x=\"\(f(left + plotWidth + 12))\" y=\"\(f(legendY - 9))\" width=\"14\" height=\"10\" fill=\"\(color)\"/>")
            svg.append("<text x=\"\(f(left + plotWidth + 32))\" y=\"\(f(legendY))\">\(escape(serie.name))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
