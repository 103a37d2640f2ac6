/// A flow text with JSONPath references (`$.Attributes.device_id`, `$.Attributes['site name']`,
/// `$.StoredCustomerInput`, `$.ContactId`, `$.CustomerEndpoint.Address`, `$.SystemEndpoint.Address`,
/// `$.Queue.Name`) that are replaced by the contact's values when the text is spoken.
///
/// A reference to an attribute the contact does not have, or to a path OneCall does not know, reads as empty
/// text. A `$` not followed by `.` and a name stays as written (`$5`, `$.5`).
public struct ContactFlowText: Sendable, Hashable, CustomStringConvertible {
    /// One piece of the text.
    public enum Segment: Sendable, Hashable {
        /// Text spoken as written.
        case literal(String)
        /// A user-defined contact attribute: `$.Attributes.NAME` or `$.Attributes['NAME']`.
        case attribute(String)
        /// A system value by its dotted path without `$.` (`ContactId`, `CustomerEndpoint.Address`, …).
        case system(String)
    }

    /// The text as written in the flow.
    public var template: String
    /// The text split into literals and references.
    public var segments: [Segment]

    /// Parses `template`.
    public init(_ template: String) {
        self.template = template
        self.segments = Self.parse(template)
    }

    /// The text as written.
    public var description: String { template }

    /// Whether the text holds any reference.
    public var hasReferences: Bool {
        segments.contains { if case .literal = $0 { return false } else { return true } }
    }

    /// The text with every reference replaced: attributes from `attributes`, system paths from `system` (keyed by
    /// the dotted path, e.g. `Queue.Name`). With `escapingForSSML`, substituted values are XML-escaped so that
    /// they cannot break the markup. The result is cut at `maximumBytes` (on a character boundary).
    public func render(
        attributes: [String: String], system: [String: String], escapingForSSML: Bool = false,
        maximumBytes: Int = 32_768
    ) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .literal(let text): output += text
            case .attribute(let name):
                let value = attributes[name] ?? ""
                output += escapingForSSML ? Self.escapeXML(value) : value
            case .system(let path):
                let value = system[path] ?? ""
                output += escapingForSSML ? Self.escapeXML(value) : value
            }
            if output.utf8.count > maximumBytes { break }
        }
        guard output.utf8.count > maximumBytes else { return output }
        var cut = ""
        var bytes = 0
        for character in output {
            let size = character.utf8.count
            if bytes + size > maximumBytes { break }
            cut.append(character)
            bytes += size
        }
        return cut
    }

    /// The system paths a reference may name; each is one or two names deep.
    static let systemPaths: Set<String> = [
        "ContactId", "InitialContactId", "Channel", "StoredCustomerInput", "CustomerEndpoint.Address",
        "SystemEndpoint.Address", "Queue.Name",
    ]

    private static func escapeXML(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            default: output.append(character)
            }
        }
        return output
    }

    private static func isNameStart(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_") }
    private static func isNameCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }

    /// Reads a dotted name at `index`; returns it and the index after it, or nil.
    private static func readName(_ characters: [Character], at index: Int) -> (String, Int)? {
        guard index < characters.count, isNameStart(characters[index]) else { return nil }
        var end = index + 1
        while end < characters.count, isNameCharacter(characters[end]) { end += 1 }
        return (String(characters[index..<end]), end)
    }

    /// Reads `.name` or `['name']` / `["name"]` at `index`.
    private static func readMember(_ characters: [Character], at index: Int) -> (String, Int)? {
        guard index < characters.count else { return nil }
        if characters[index] == "." { return readName(characters, at: index + 1) }
        guard characters[index] == "[", index + 1 < characters.count else { return nil }
        let quote = characters[index + 1]
        guard quote == "'" || quote == "\"" else { return nil }
        var end = index + 2
        while end < characters.count, characters[end] != quote { end += 1 }
        guard end + 1 < characters.count, characters[end + 1] == "]" else { return nil }
        return (String(characters[(index + 2)..<end]), end + 2)
    }

    private static func parse(_ template: String) -> [Segment] {
        let characters = Array(template)
        var segments: [Segment] = []
        var literal = ""
        var index = 0
        func flush() {
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
        }
        while index < characters.count {
            guard characters[index] == "$", index + 1 < characters.count, characters[index + 1] == ".",
                let (root, afterRoot) = readName(characters, at: index + 2)
            else {
                literal.append(characters[index])
                index += 1
                continue
            }
            flush()
            if root == "Attributes" {
                if let (name, after) = readMember(characters, at: afterRoot) {
                    segments.append(.attribute(name))
                    index = after
                } else {
                    segments.append(.system(root))
                    index = afterRoot
                }
                continue
            }
            if systemPaths.contains(root) {
                segments.append(.system(root))
                index = afterRoot
                continue
            }
            // Two-level system paths; anything else is consumed whole and reads as empty.
            var path = root
            var end = afterRoot
            while let (member, after) = readMember(characters, at: end) {
                path += "." + member
                end = after
                if systemPaths.contains(path) { break }
            }
            segments.append(.system(path))
            index = end
        }
        flush()
        return segments
    }
}
