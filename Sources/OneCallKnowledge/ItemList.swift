/// The items of a list written as lines (`- a`, `1. a`), inline (`1. a. 2. b.`), or not at all.
struct ItemList {
    /// The items' texts, markers removed, in order.
    var items: [String]
    /// Whether the text was a list; otherwise ``items`` holds the whole text as one item.
    var isList: Bool

    /// The items of `lines`. A line that is no list item continues the item before it, unless it starts
    /// with a sequence word (`Then phone the operator.`), which starts a new item. Text before the first
    /// item is an item of its own unless it ends with `:` (`The system does this:`). A list whose only
    /// item is numbered 1, or text with no list markers, is also read for inline numbering.
    init(lines: [String], classifier: PhraseClassifier) {
        var items: [String] = []
        var leadIn: [String] = []
        var current: String?
        var firstNumber: Int?
        var sawItem = false
        for line in lines {
            let text = line.trimmedWhitespace
            guard !text.isEmpty else { continue }
            if let item = LineSyntax.listItem(text) {
                if let current { items.append(current) }
                if !sawItem { firstNumber = item.number }
                sawItem = true
                current = String(item.content)
            } else if let open = current {
                if classifier.startsWithSequenceWord(text) {
                    items.append(open)
                    current = String(text)
                } else {
                    current = open + "\n" + text
                }
            } else {
                leadIn.append(String(text))
            }
        }
        if let current { items.append(current) }
        let lead = leadIn.joined(separator: "\n")

        if !sawItem {
            if let inline = Self.splitNumbered(lead, from: 1) {
                self.items = Self.withLeadIn(inline.leadIn, inline.items)
                isList = true
            } else {
                self.items = lead.isEmpty ? [] : [lead]
                isList = false
            }
            return
        }
        if items.count == 1, firstNumber == 1, let inline = Self.splitNumbered(items[0], from: 2) {
            items = [inline.leadIn] + inline.items
        }
        self.items = Self.withLeadIn(lead, items).filter { !$0.isBlank }
        isList = true
    }

    private static func withLeadIn(_ leadIn: String, _ items: [String]) -> [String] {
        let lead = leadIn.trimmedWhitespace
        guard !lead.isEmpty, lead.last != ":" else { return items }
        return [String(lead)] + items
    }

    /// `text` cut at inline numbers `first.`, `first + 1.`, … (or `)`), each standing after white space
    /// (or at the start) and before white space; the text before the first number is the lead-in.
    static func splitNumbered(_ text: String, from first: Int) -> (leadIn: String, items: [String])? {
        let characters = Array(text)
        func find(_ number: Int, from start: Int) -> (start: Int, content: Int)? {
            let digits = Array(String(number))
            var index = start
            while index + digits.count + 1 < characters.count {
                defer { index += 1 }
                guard index == 0 || characters[index - 1].isWhitespace else { continue }
                guard characters[index..<(index + digits.count)].elementsEqual(digits) else { continue }
                let marker = characters[index + digits.count]
                guard marker == "." || marker == ")" else { continue }
                guard characters[index + digits.count + 1].isWhitespace else { continue }
                return (index, index + digits.count + 1)
            }
            return nil
        }
        guard var current = find(first, from: 0) else { return nil }
        let leadIn = String(String(characters[..<current.start]).trimmedWhitespace)
        var items: [String] = []
        var number = first
        while true {
            number += 1
            if let next = find(number, from: current.content) {
                items.append(String(String(characters[current.content..<next.start]).trimmedWhitespace))
                current = next
            } else {
                items.append(String(String(characters[current.content...]).trimmedWhitespace))
                break
            }
        }
        return (leadIn, items.filter { !$0.isEmpty })
    }

    /// `text` cut into sentences after `.`, `!` or `?` (and `;` when `semicolons`) followed by white space
    /// or the end; `e.g.` and similar abbreviations do not end a sentence. With `keepingTerminators`, each
    /// sentence keeps its closing mark.
    static func sentences(_ text: String, semicolons: Bool, keepingTerminators: Bool) -> [String] {
        let abbreviations: Set<String> = ["e.g", "i.e", "etc", "approx", "tel", "vs", "cf", "incl", "min", "max", "ca"]
        let characters = Array(text)
        var sentences: [String] = []
        var start = 0
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let isEnd = character == "." || character == "!" || character == "?" || (semicolons && character == ";")
            let atBoundary = index + 1 == characters.count || characters[index + 1].isWhitespace
            if isEnd && atBoundary {
                var back = index
                while back > start, index - back < 8, !characters[back - 1].isWhitespace { back -= 1 }
                let word = String(characters[back..<index]).lowercased()
                if character == "." && abbreviations.contains(word) {
                    index += 1
                    continue
                }
                let end = keepingTerminators ? index + 1 : index
                let sentence = String(characters[start..<end]).trimmedWhitespace
                if !sentence.isEmpty { sentences.append(String(sentence)) }
                start = index + 1
            }
            index += 1
        }
        if start < characters.count {
            let rest = String(characters[start...]).trimmedWhitespace
            if !rest.isEmpty { sentences.append(String(rest)) }
        }
        return sentences
    }
}
