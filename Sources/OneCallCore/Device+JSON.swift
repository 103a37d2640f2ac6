/// Why a device description was refused.
public struct DeviceValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault (or `record N` for an import).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

extension Device {
    /// The registry's fields in their JSON (and CSV column) names, as in the reference's device table.
    public static let fieldNames = [
        "device_id", "type", "address", "city", "state", "zip", "country", "site_owner", "site_owner_contact",
    ]

    /// Every field a description may have: the registry's, `id` for `device_id`, `attributes` and `password`.
    public static let acceptedFields = Set(fieldNames + ["id", "attributes", "password"])

    /// The longest identifier and text field accepted.
    public static let maximumIDLength = 128
    public static let maximumFieldLength = 1024

    /// Whether `id` can name a device: 1 to 128 characters of letters, digits, `_`, `-`, `.` and `:`,
    /// so that it is also a valid MQTT client id, topic level and AWS thing name.
    public static func isValidID(_ id: String) -> Bool {
        guard (1...maximumIDLength).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: ":"):
                return true
            default:
                return false
            }
        }
    }

    /// A device from its JSON description. `existing` supplies what the description leaves out (an
    /// update keeps the creation time, the status and any field not mentioned); `replace` clears
    /// fields that are not mentioned instead. A `null` field clears it. `password` is returned for
    /// the caller to hash; it is never stored as given.
    public init(
        json object: JSONObject, id pathID: String? = nil, existing: Device? = nil, replace: Bool = false, now: Double
    ) throws(DeviceValidationError) {
        func text(_ key: String) throws(DeviceValidationError) -> String?? {
            guard let value = object[key] else { return .none }
            switch value {
            case .null: return .some(nil)
            case .string(let string):
                guard string.utf8.count <= Self.maximumFieldLength else {
                    throw DeviceValidationError(field: key, reason: "longer than \(Self.maximumFieldLength) bytes")
                }
                return .some(string)
            default: throw DeviceValidationError(field: key, reason: "expected a string")
            }
        }
        for key in object.keys where !Self.acceptedFields.contains(key) {
            throw DeviceValidationError(field: key, reason: "unknown field (put extra data under \"attributes\")")
        }
        var bodyID = try text("device_id")
        if bodyID == nil { bodyID = try text("id") }
        guard let id = pathID ?? bodyID.flatMap({ $0 }) ?? existing?.id else {
            throw DeviceValidationError(field: "device_id", reason: "required")
        }
        if let pathID, let bodyID = bodyID.flatMap({ $0 }), bodyID != pathID {
            throw DeviceValidationError(field: "device_id", reason: "'\(bodyID)' differs from the path's '\(pathID)'")
        }
        guard Self.isValidID(id) else {
            throw DeviceValidationError(
                field: "device_id", reason: "must be 1 to 128 letters, digits, '_', '-', '.' or ':'")
        }
        let base =
            replace || existing == nil
            ? Device(id: id, type: "unknown", createdAt: existing?.createdAt ?? now, updatedAt: now)
            : existing!
        var device = base
        device.id = id
        device.updatedAt = now
        if let existing {
            device.createdAt = existing.createdAt
            device.lastSeen = existing.lastSeen
            device.passwordHash = existing.passwordHash
        }
        if let type = try text("type") {
            guard let type, !type.isEmpty else { throw DeviceValidationError(field: "type", reason: "cannot be empty") }
            device.type = type
        }
        if let value = try text("address") { device.address = value }
        if let value = try text("city") { device.city = value }
        if let value = try text("state") { device.state = value }
        if let value = try text("zip") { device.zip = value }
        if let value = try text("country") { device.country = value }
        if let value = try text("site_owner") { device.siteOwner = value }
        if let value = try text("site_owner_contact") { device.siteOwnerContact = value }
        switch object["attributes"] {
        case .none: break
        case .null: device.attributes = JSONObject()
        case .object(let attributes):
            guard JSONValue.object(attributes).jsonBytes.count <= 16 * 1024 else {
                throw DeviceValidationError(field: "attributes", reason: "larger than 16 KiB")
            }
            device.attributes = attributes
        default: throw DeviceValidationError(field: "attributes", reason: "expected an object")
        }
        device.autoRegistered = false
        self = device
    }

    /// The device as JSON, without its password hash; `connected` is added when known.
    public func json(connected: Bool? = nil) -> JSONObject {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var object: JSONObject = [
            "device_id": .string(id), "type": .string(type), "address": text(address), "city": text(city),
            "state": text(state), "zip": text(zip), "country": text(country), "site_owner": text(siteOwner),
            "site_owner_contact": text(siteOwnerContact), "attributes": .object(attributes),
            "has_password": .bool(passwordHash != nil), "created_at": .double(createdAt),
            "updated_at": .double(updatedAt), "last_seen": lastSeen.map(JSONValue.double) ?? .null,
            "auto_registered": .bool(autoRegistered),
        ]
        if let connected { object["connected"] = .bool(connected) }
        return object
    }
}
