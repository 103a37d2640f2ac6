import OneCallCore

/// Typed reads from one JSON object of a definition file, turning every mismatch into a
/// ``ContactCenterDefinitionError`` that names the file and item.
///
/// Amazon Connect exports numbers as strings (`"5"`) and Booleans as `"True"`/`"False"`; both spellings are
/// accepted wherever a number or a Boolean is read.
struct DefinitionFields {
    let object: JSONObject
    let file: String
    var item: String

    init(_ value: JSONValue, file: String, item: String) throws(ContactCenterDefinitionError) {
        guard let object = value.objectValue else {
            throw ContactCenterDefinitionError(
                code: .invalidValue, file: file, item: item, reason: "expected a JSON object")
        }
        self.object = object
        self.file = file
        self.item = item
    }

    func error(_ code: ContactCenterDefinitionError.Code, _ reason: String) -> ContactCenterDefinitionError {
        ContactCenterDefinitionError(code: code, file: file, item: item, reason: reason)
    }

    func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !value.isNull
    }

    /// A string; numbers and Booleans are given as their text.
    func string(_ key: String, maximumBytes: Int = 8192) throws(ContactCenterDefinitionError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): text = String(number)
        case .double(let number): text = String(number)
        case .bool(let flag): text = flag ? "true" : "false"
        default: throw error(.invalidValue, "'\(key)' must be a string")
        }
        guard text.utf8.count <= maximumBytes else {
            throw error(.tooLarge, "'\(key)' is \(text.utf8.count) bytes, over the limit of \(maximumBytes)")
        }
        return text
    }

    func requiredString(_ key: String, maximumBytes: Int = 8192) throws(ContactCenterDefinitionError) -> String {
        guard let text = try string(key, maximumBytes: maximumBytes) else {
            throw error(.missingKey, "'\(key)' is required")
        }
        return text
    }

    /// An integer, written as a number or as a string of digits, within `range`.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ContactCenterDefinitionError) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        let number: Int?
        switch value {
        case .string(let text): number = Int(text.trimmingSpaces)
        default: number = value.intValue.flatMap { Int(exactly: $0) }
        }
        guard let number else { throw error(.invalidValue, "'\(key)' must be an integer") }
        guard range.contains(number) else {
            throw error(.invalidValue, "'\(key)' is \(number), outside \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    /// A Boolean, written as `true`/`false` or as the strings `"True"`/`"False"` (any case).
    func bool(_ key: String) throws(ContactCenterDefinitionError) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        if let flag = value.boolValue { return flag }
        switch value.stringValue?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(.invalidValue, "'\(key)' must be true or false")
        }
    }

    func objectValue(_ key: String) throws(ContactCenterDefinitionError) -> JSONObject? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let object = value.objectValue else { throw error(.invalidValue, "'\(key)' must be an object") }
        return object
    }

    func array(_ key: String, maximumCount: Int) throws(ContactCenterDefinitionError) -> [JSONValue]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let elements = value.arrayValue else { throw error(.invalidValue, "'\(key)' must be an array") }
        guard elements.count <= maximumCount else {
            throw error(.tooLarge, "'\(key)' has \(elements.count) entries, over the limit of \(maximumCount)")
        }
        return elements
    }

    /// A list of strings (a single string is read as a list of one).
    func strings(_ key: String, maximumCount: Int) throws(ContactCenterDefinitionError) -> [String]? {
        guard let value = object[key], !value.isNull else { return nil }
        if let single = value.stringValue { return [single] }
        guard let elements = try array(key, maximumCount: maximumCount) else { return nil }
        var result: [String] = []
        for element in elements {
            guard let text = element.stringValue else {
                throw error(.invalidValue, "'\(key)' must hold strings")
            }
            guard text.utf8.count <= 1024 else { throw error(.tooLarge, "an entry of '\(key)' is over 1024 bytes") }
            result.append(text)
        }
        return result
    }

    /// Parses `data` as JSON within `maximumBytes`, mapping parse errors to the file.
    static func parse(_ data: some Collection<UInt8>, file: String, maximumBytes: Int)
        throws(ContactCenterDefinitionError)
        -> JSONValue
    {
        guard data.count <= maximumBytes else {
            throw ContactCenterDefinitionError(
                code: .tooLarge, file: file, item: "(file)",
                reason: "\(data.count) bytes is over the limit of \(maximumBytes)")
        }
        do {
            return try JSONValue(parsing: data, limits: JSONParseLimits(maximumBytes: maximumBytes, maximumDepth: 32))
        } catch {
            throw ContactCenterDefinitionError(
                code: .invalidJSON, file: file, item: "(file)", reason: error.description)
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
