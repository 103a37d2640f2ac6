/// Maps a question's words to the fields of a device's readings ("power" → `power_consumption_watts`,
/// "indoor temp" → `indoor_temperature_c`), by the words of the field names: the names are data.
enum ChatFieldMatcher {
    /// Other words for the same thing, so that "electricity" finds a field named for power.
    static let synonyms: [String: [String]] = [
        "temp": ["temperature"], "temps": ["temperature"], "temperatures": ["temperature"],
        "hot": ["temperature"], "cold": ["temperature"], "warm": ["temperature"],
        "electricity": ["power", "watts"], "energy": ["power", "energy"], "wattage": ["watts", "power"],
        "watts": ["watts", "power"], "consumption": ["consumption", "power"], "usage": ["consumption", "power"],
        "psi": ["pressure", "psi"], "pressures": ["pressure"], "humid": ["humidity"], "moisture": ["humidity"],
        "rpm": ["rpm", "speed"], "speed": ["speed", "rpm"], "runtime": ["runtime", "hours"],
        "flow": ["flow", "lpm", "gpm"], "vibration": ["vibration"], "voltage": ["voltage", "volts"],
        "current": ["current", "amps"], "amps": ["current", "amps"],
    ]

    /// The lowercase words of a field name, split at `_`, `.`, `-` and lower-to-upper case changes.
    static func words(inFieldName name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for character in name {
            if character.isLetter || character.isNumber {
                if character.isUppercase && previousLower && !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(contentsOf: character.lowercased())
                previousLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether the question word `word` names the field word `token`.
    static func matches(_ word: String, _ token: String) -> Bool {
        if word == token { return true }
        if word.count >= 4, token.count > word.count, token.hasPrefix(word) { return true }
        if token.count >= 4, word.count > token.count, word.hasPrefix(token), word.count - token.count <= 2 {
            return true
        }
        if word.count >= 6, token.count >= 6, ChatVocabulary.editDistance(word, token, limit: 1) <= 1 { return true }
        // A letter left out or added in a short word ("powr"), but not a letter changed ("lower").
        if word.count >= 4, token.count >= 4, word.count != token.count,
            ChatVocabulary.editDistance(word, token, limit: 1) <= 1
        {
            return true
        }
        return false
    }

    /// The fields among `fields` that `words` name: those matching the most of the words that match
    /// any field at all; all of them when several tie ("temperature" → indoor, outdoor, setpoint).
    /// Returns the matched fields and the words that matched something.
    static func match(_ questionWords: [String], in fields: [String]) -> (fields: [String], used: [String]) {
        let fieldWords = fields.map { words(inFieldName: $0) }
        func hits(_ word: String, _ field: Int) -> Bool {
            let expanded = [word] + (synonyms[word] ?? [])
            return expanded.contains { candidate in fieldWords[field].contains { matches(candidate, $0) } }
        }
        let used = questionWords.filter { word in fields.indices.contains { hits(word, $0) } }
        guard !used.isEmpty else { return ([], []) }
        let scores = fields.indices.map { field in used.filter { hits($0, field) }.count }
        let best = scores.max() ?? 0
        guard best > 0 else { return ([], []) }
        let chosen = fields.indices.filter { scores[$0] == best }
        return (chosen.map { fields[$0] }, used)
    }

    /// The unit a field's name ends with ("watts" → W, "psi", "c" → °C), or `nil`.
    static func unit(ofField name: String) -> String? {
        let parts = words(inFieldName: name)
        guard parts.count >= 2, let last = parts.last else { return nil }
        let units: [String: String] = [
            "watts": "W", "watt": "W", "w": "W", "kw": "kW", "kwh": "kWh", "wh": "Wh", "psi": "psi", "bar": "bar",
            "kpa": "kPa", "pa": "Pa", "c": "°C", "celsius": "°C", "degc": "°C", "f": "°F", "fahrenheit": "°F",
            "k": "K", "kelvin": "K", "percent": "%", "pct": "%", "rpm": "rpm", "hours": "h", "h": "h", "v": "V",
            "volts": "V", "a": "A", "amps": "A", "hz": "Hz", "lpm": "L/min", "gpm": "gal/min", "mm": "mm", "m": "m",
            "seconds": "s", "s": "s", "ms": "ms", "db": "dB", "ppm": "ppm", "lux": "lx",
        ]
        return units[last]
    }
}
