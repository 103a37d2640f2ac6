import OneCallCore

/// Who is called about which devices, in which order, and how hard OneCall tries.
///
/// In `rosters.json`:
/// ```json
/// {"name": "site-a", "queue": "support", "devices": ["aircon_*"],
///  "operators": [{"name": "Ana", "phone": "+15550101", "hours": "business"},
///                {"name": "Ben", "phone": "sip:ben@pbx.example"}],
///  "attempts_per_operator": 2, "retry_after_minutes": 5, "rounds": 2, "snooze_minutes": 30,
///  "ring_timeout_seconds": 30}
/// ```
/// A roster whose devices include `"*"` is the default for devices no other roster names.
public struct Roster: Sendable, Hashable {
    /// One person on the roster.
    public struct Operator: Sendable, Hashable {
        /// Who it is.
        public var name: String
        /// Where to call them.
        public var destination: CallDestination
        /// The name of the ``HoursOfOperation`` during which they may be called; nil means any time.
        public var hours: String?

        /// An operator from values.
        public init(name: String, destination: CallDestination, hours: String? = nil) {
            self.name = name
            self.destination = destination
            self.hours = hours
        }
    }

    /// The most operators on one roster.
    public static let maximumOperators = 50
    /// The most device patterns on one roster.
    public static let maximumDevicePatterns = 1000

    /// The roster's name.
    public var name: String
    /// The queue its calls go through (caller id, flow, hours); nil means ``Queue/defaultName``.
    public var queue: String?
    /// The devices it covers.
    public var devices: [DevicePattern]
    /// The operators, in calling order.
    public var operators: [Operator]
    /// Calls to one operator before moving to the next (default 2, 1…10).
    public var attemptsPerOperator: Int
    /// Minutes between calls to the same operator, and between rounds (default 5, 0…1440).
    public var retryAfterMinutes: Int
    /// Times through the whole list (default 2, 1…10).
    public var rounds: Int
    /// Minutes a snooze (key 3) delays the next call (default 30, 1…1440).
    public var snoozeMinutes: Int
    /// Seconds a call rings before it counts as no answer (default 30, 5…300).
    public var ringTimeoutSeconds: Int

    /// A roster from values (not range-checked; ``init(value:file:position:)`` checks).
    public init(
        name: String, queue: String? = nil, devices: [DevicePattern], operators: [Operator],
        attemptsPerOperator: Int = 2, retryAfterMinutes: Int = 5, rounds: Int = 2, snoozeMinutes: Int = 30,
        ringTimeoutSeconds: Int = 30
    ) {
        self.name = name
        self.queue = queue
        self.devices = devices
        self.operators = operators
        self.attemptsPerOperator = attemptsPerOperator
        self.retryAfterMinutes = retryAfterMinutes
        self.rounds = rounds
        self.snoozeMinutes = snoozeMinutes
        self.ringTimeoutSeconds = ringTimeoutSeconds
    }

    /// The most specific of this roster's patterns that matches `deviceID`, if any.
    public func bestMatch(forDevice deviceID: String) -> DevicePattern? {
        devices.filter { $0.matches(deviceID) }.max {
            ($0.specificity, $0.literalCount) < ($1.specificity, $1.literalCount)
        }
    }

    /// Reads one entry of `rosters.json`.
    public init(value: JSONValue, file: String, position: Int) throws(ContactCenterDefinitionError) {
        var fields = try DefinitionFields(value, file: file, item: "rosters[\(position)]")
        let name = try fields.requiredString("name", maximumBytes: 128)
        guard !name.isEmpty else { throw fields.error(.invalidValue, "'name' cannot be empty") }
        fields.item = name
        guard let patterns = try fields.strings("devices", maximumCount: Self.maximumDevicePatterns),
            !patterns.isEmpty
        else {
            throw fields.error(.missingKey, "'devices' must list at least one device id or pattern (\"*\" for all)")
        }
        var devices: [DevicePattern] = []
        for text in patterns {
            guard let pattern = DevicePattern(text) else {
                throw fields.error(
                    .invalidValue, "device patterns must be 1 to \(DevicePattern.maximumLength) characters")
            }
            devices.append(pattern)
        }
        guard let entries = try fields.array("operators", maximumCount: Self.maximumOperators), !entries.isEmpty else {
            throw fields.error(.missingKey, "'operators' must list at least one operator")
        }
        var operators: [Operator] = []
        for (index, entry) in entries.enumerated() {
            var operatorFields = try DefinitionFields(entry, file: file, item: "\(name) operators[\(index)]")
            let operatorName = try operatorFields.requiredString("name", maximumBytes: 128)
            operatorFields.item = "\(name) operator \(operatorName)"
            let phone = try operatorFields.requiredString("phone", maximumBytes: 512)
            let destination: CallDestination
            do {
                destination = try CallDestination(phone)
            } catch {
                throw ContactCenterDefinitionError(
                    code: .invalidDestination, file: file, item: operatorFields.item,
                    reason: "phone: \(error.description)", detail: error.debugDescription)
            }
            operators.append(
                Operator(
                    name: operatorName, destination: destination,
                    hours: try operatorFields.string("hours", maximumBytes: 128)))
        }
        self.init(
            name: name, queue: try fields.string("queue", maximumBytes: 128), devices: devices, operators: operators,
            attemptsPerOperator: try fields.int("attempts_per_operator", in: 1...10) ?? 2,
            retryAfterMinutes: try fields.int("retry_after_minutes", in: 0...1440) ?? 5,
            rounds: try fields.int("rounds", in: 1...10) ?? 2,
            snoozeMinutes: try fields.int("snooze_minutes", in: 1...1440) ?? 30,
            ringTimeoutSeconds: try fields.int("ring_timeout_seconds", in: 1...300) ?? 30)
    }
}
