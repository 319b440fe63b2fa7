import Circuits

/// Reading SPICE cards the way the alter plan needs them: continuation lines joined, `;` comments
/// dropped, and `name = value` assignments split out (a value is a `{}` expression, a `''`
/// expression or one token).
enum ParamCards {
    /// Logical lines: each `+` line appended to the line before it, comments removed.
    static func logicalLines(_ lines: [String]) -> [String] {
        var result: [String] = []
        for raw in lines {
            var line = Substring(raw.replacingTabs())
            if let semicolon = line.firstIndex(of: ";") { line = line[..<semicolon] }
            let trimmed = line.trimmingLeadingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("*") { continue }
            if trimmed.hasPrefix("+") {
                if !result.isEmpty { result[result.count - 1] += " " + trimmed.dropFirst() }
                continue
            }
            result.append(trimmed)
        }
        return result
    }

    /// The line split into its leading words (name, nodes, model) and its assignments, lower-cased;
    /// nil if a value is unterminated or a word follows the assignments.
    static func split(_ line: String) -> (words: [String], assignments: [(name: String, value: String)])? {
        let chars = Array(line.lowercased())
        var words: [String] = [], assignments: [(name: String, value: String)] = []
        var index = 0
        func skipSpaces() { while index < chars.count && chars[index] == " " { index += 1 } }
        while true {
            skipSpaces()
            guard index < chars.count else { break }
            let start = index
            while index < chars.count && chars[index] != " " && chars[index] != "=" { index += 1 }
            let word = String(chars[start..<index])
            skipSpaces()
            guard index < chars.count, chars[index] == "=" else {
                guard assignments.isEmpty, !word.isEmpty else { return nil }
                words.append(word)
                continue
            }
            index += 1
            skipSpaces()
            guard !word.isEmpty, index < chars.count else { return nil }
            let valueStart = index
            if chars[index] == "{" {
                var depth = 0
                repeat {
                    if chars[index] == "{" { depth += 1 }
                    if chars[index] == "}" { depth -= 1 }
                    index += 1
                } while index < chars.count && depth > 0
                guard depth == 0 else { return nil }
            } else if chars[index] == "'" {
                index += 1
                while index < chars.count && chars[index] != "'" { index += 1 }
                guard index < chars.count else { return nil }
                index += 1
            } else {
                while index < chars.count && chars[index] != " " { index += 1 }
            }
            assignments.append((word, String(chars[valueStart..<index])))
        }
        return (words, assignments)
    }

    /// Every assignment of the `.param` cards among `lines`, in order.
    static func parameters(_ lines: [String]) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for line in logicalLines(lines) where line.lowercased().hasPrefix(".param") {
            guard let split = split(String(line.dropFirst(".param".count))), split.words.isEmpty else { return nil }
            result += split.assignments
        }
        return result
    }
}
