import Circuits

/// A SKY130 deck written the way ngspice's front end leaves it: subcircuits expanded, expressions
/// replaced by their values, `.param` cards gone, and only each device's own model bin.
///
/// Why: loading the bin-pruned deck spends most of its time in the front end (numparam, the
/// expansion of each FET's subcircuit with every kept bin's card as text, the choice of bins) and
/// in creating one model per FET. Here the parent does that work once per design with the alter
/// plan's values, in numparam's arithmetic and with the text numparam writes (`%.15e`), so the
/// parser reads the same numbers. Consecutive FETs that would get identical model cards share one
/// (a matched pair), which keeps ngspice's order of models and instances, and so the order of
/// every sum, unchanged. Tests compare it with fresh loads of the full library, bit for bit.
public enum ExpandedDeck {
    /// How a logical line of the template appears in the expanded deck.
    enum Line: Sendable {
        case verbatim(String)
        /// A `.param` card: numparam comments it out.
        case parameter
        /// A passive or source whose value token is the alter plan's quantity `quantity`.
        case element(tokens: [String], valueIndex: Int, quantity: Int)
        /// The alter plan's FET number `index`.
        case fet(Int)
    }

    /// One model bin of a library FET subcircuit, as read.
    struct Card: Sendable {
        enum Value: Sendable {
            case text(String)
            /// An expression of the library's global parameters only.
            case global(SpiceExpression)
            /// The device type's model quantity number `n` (depends on the instance).
            case local(Int)
        }
        var name: String
        var kind: String
        var assignments: [(name: String, value: Value)]

        /// The card at one process corner: global expressions written, instance values left open;
        /// nil when an expression cannot be evaluated.
        func resolved(_ scope: [String: Double]) -> ResolvedCard? {
            var head = "", tail: [(local: Int, text: String)] = []
            func append(_ text: String) {
                if tail.isEmpty { head += text } else { tail[tail.count - 1].text += text }
            }
            for (index, (name, value)) in assignments.enumerated() {
                append((index == 0 ? "" : " ") + name + "=")
                switch value {
                case .text(let text): append(text)
                case .global(let expression):
                    guard let number = expression.value(scope) else { return nil }
                    append(SpiceNumber.numparamText(number))
                case .local(let n): tail.append((n, ""))
                }
            }
            return ResolvedCard(name: name, kind: kind, head: head, tail: tail)
        }
    }

    /// A card's text at one process corner, around its instance-dependent values.
    struct ResolvedCard: Sendable {
        var name: String
        var kind: String
        var head: String
        var tail: [(local: Int, text: String)]
    }
}

extension AlterPlan {
    /// The bins each FET's copy of its subcircuit keeps, in library order: the one it takes, or
    /// near a bin edge every bin it could take (ngspice then chooses, as in a pruned deck).
    func candidateBins(_ evaluation: Evaluation) -> [[Int]] {
        fets.indices.map { index in
            if let bin = evaluation.bins[index] { return [bin] }
            let bins = types[fets[index].type]!.bins
            return bins.indices.filter { BinnedModelLibrary.canSelect(bins[$0], evaluation.sizes[index]) }
        }
    }

    /// Whether each FET can use the model card of the FET before it: same type, size, bins and
    /// model values. Only neighbours share, so ngspice's lists of models and instances (and so the
    /// order of its sums) stay as they are with one card per FET.
    func sharedModels(_ evaluation: Evaluation, candidates: [[Int]]) -> [Bool] {
        fets.indices.map { index in
            guard index > 0 else { return false }
            let fet = fets[index], before = fets[index - 1]
            guard fet.type == before.type, candidates[index] == candidates[index - 1] else { return false }
            let size = evaluation.sizes[index], other = evaluation.sizes[index - 1]
            guard size.lengthUm == other.lengthUm, size.widthUm == other.widthUm, size.fingers == other.fingers else { return false }
            let type = types[fet.type]!
            let offset = type.deviceParameters.count
            return type.modelParameters.indices.allSatisfy {
                evaluation.values[fet.firstQuantity + offset + $0].bitPattern
                    == evaluation.values[before.firstQuantity + offset + $0].bitPattern
            }
        }
    }

    /// The expanded deck of one design at one process corner; nil when the plan cannot write one
    /// (a card expression it cannot evaluate at this corner).
    func expandedDeck(title: String, evaluation: Evaluation, candidates: [[Int]], shared: [Bool],
                      process: String) -> [String]? {
        guard let cards = expandedCards[process], candidates.count == fets.count, shared.count == fets.count else { return nil }
        // ngspice gives every device of a subcircuit an `m` once any instance of it sets one.
        let multiplied = Set(fets.filter { $0.multiplier != nil }.map(\.type))
        var deck = [title] + libraryOptions
        deck.reserveCapacity(lines.count + 2 * fets.count + libraryOptions.count + 1)
        var owner = 0
        for line in lines {
            switch line {
            case .verbatim(let text):
                deck.append(text)
            case .parameter:
                continue
            case .element(var tokens, let valueIndex, let quantity):
                tokens[valueIndex] = SpiceNumber.numparamText(evaluation.values[quantity])
                deck.append(tokens.joined(separator: " "))
            case .fet(let index):
                let fet = fets[index], type = types[fet.type]!
                if !shared[index] { owner = index }
                var device = "m.\(fet.name).\(type.deviceName)"
                for port in type.devicePorts { device += " " + fet.nodes[port] }
                device += " \(fets[owner].name):\(type.modelName)"
                for (offset, parameter) in type.deviceParameters.enumerated() {
                    device += " \(parameter.name)=" + SpiceNumber.numparamText(evaluation.values[fet.firstQuantity + offset])
                }
                if multiplied.contains(fet.type) { device += " m=" + SpiceNumber.numparamText(fet.multiplier ?? 1) }
                deck.append(device)
                if shared[index] { continue }
                let offset = fet.firstQuantity + type.deviceParameters.count
                for bin in candidates[index] {
                    guard let card = cards[fet.type]?[bin] else { return nil }
                    var model = ".model \(fet.name):\(card.name) \(card.kind) " + card.head
                    for (local, text) in card.tail {
                        model += SpiceNumber.numparamText(evaluation.values[offset + local]) + text
                    }
                    deck.append(model)
                }
            }
        }
        deck.append(".end")
        return deck
    }
}
