import OneCallCore
import Synchronization

/// Why a registry operation failed.
public struct DeviceRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case alreadyExists = "already_exists"
        case invalid
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The device registry: the store plus an in-memory set of known identifiers, so that the
/// telemetry path can tell a known device from an unknown one without a query, and the policy for
/// unknown devices (register them automatically, or refuse their readings).
public final class DeviceRegistry: Sendable {
    /// What an import did.
    public struct ImportResult: Sendable, Hashable {
        public var created = 0
        public var updated = 0

        public init(created: Int = 0, updated: Int = 0) {
            self.created = created
            self.updated = updated
        }
    }

    private let store: any DeviceStore
    private let known = Mutex(Set<String>())
    /// Password hashes of the devices that have one, for the broker's authentication.
    private let hashes = Mutex([String: String]())
    private let counters = Mutex((autoRegistered: 0, refused: 0))
    /// Whether unknown devices are registered on their first reading.
    public let autoRegister: Bool
    private let clock: @Sendable () -> Double
    private let hashPassword: @Sendable (String) throws -> String

    /// Creates a registry over `store`. `hashPassword` turns a device password into the stored hash.
    public init(
        store: any DeviceStore, autoRegister: Bool, clock: @escaping @Sendable () -> Double,
        hashPassword: @escaping @Sendable (String) throws -> String
    ) {
        self.store = store
        self.autoRegister = autoRegister
        self.clock = clock
        self.hashPassword = hashPassword
    }

    /// Loads the known identifiers from the store.
    public func load() async throws {
        let devices = try await store.devices()
        known.withLock { $0 = Set(devices.map(\.id)) }
        hashes.withLock { hashes in
            hashes = [:]
            for device in devices { if let hash = device.passwordHash { hashes[device.id] = hash } }
        }
    }

    /// The password hash of a registered device, if it has one.
    public func passwordHash(for id: String) -> String? { hashes.withLock { $0[id] } }

    private func remember(_ device: Device) {
        known.withLock { _ = $0.insert(device.id) }
        hashes.withLock { $0[device.id] = device.passwordHash }
    }

    /// Devices registered automatically and readings refused for unknown devices, so far.
    public var statistics: (autoRegistered: Int, refused: Int) { counters.withLock { $0 } }

    /// How many devices are registered.
    public var count: Int { known.withLock { $0.count } }

    /// Whether a reading from `deviceID` may be stored: a known device may; an unknown one is
    /// registered with `type` when the policy says so, and refused otherwise.
    public func admit(deviceID: String, type: String) async throws -> Bool {
        if known.withLock({ $0.contains(deviceID) }) { return true }
        guard autoRegister, Device.isValidID(deviceID) else {
            counters.withLock { $0.refused += 1 }
            return false
        }
        let now = clock()
        // Insert-only: a device registered meanwhile (with its password) is never overwritten.
        if try await store.insert(
            Device(id: deviceID, type: type, createdAt: now, updatedAt: now, autoRegistered: true))
        {
            counters.withLock { $0.autoRegistered += 1 }
        }
        known.withLock { _ = $0.insert(deviceID) }
        return true
    }

    /// Every device, ordered by identifier.
    public func devices() async throws -> [Device] { try await store.devices() }

    /// One device.
    public func device(id: String) async throws -> Device {
        guard let device = try await store.device(id: id) else {
            throw DeviceRegistryError(.notFound, "no device '\(id)'")
        }
        return device
    }

    /// Registers a new device from its JSON description; fails if the identifier is taken.
    public func create(_ description: JSONObject) async throws -> Device {
        var device = try validated(description, id: nil, existing: nil, replace: true)
        device.passwordHash = try password(in: description) ?? nil
        guard try await store.insert(device) else {
            throw DeviceRegistryError(.alreadyExists, "device '\(device.id)' already exists")
        }
        remember(device)
        return device
    }

    /// Changes a device: `replace` (PUT) sets every field from the description, otherwise (PATCH)
    /// only the fields it mentions.
    public func update(id: String, with description: JSONObject, replace: Bool) async throws -> Device {
        let existing = try await device(id: id)
        var device = try validated(description, id: id, existing: existing, replace: replace)
        if let hash = try password(in: description) { device.passwordHash = hash }
        try await store.save(device)
        remember(device)
        return device
    }

    /// Removes a device; fails if there is none.
    public func delete(id: String) async throws {
        guard try await store.deleteDevice(id: id) else { throw DeviceRegistryError(.notFound, "no device '\(id)'") }
        known.withLock { _ = $0.remove(id) }
        hashes.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Creates or updates (merging fields) every described device in one transaction; nothing is
    /// changed if any description is invalid.
    public func importDevices(_ descriptions: [JSONObject]) async throws -> ImportResult {
        var result = ImportResult()
        var devices: [Device] = []
        var seen = Set<String>()
        for (index, description) in descriptions.enumerated() {
            do {
                let id = (description["device_id"] ?? description["id"])?.stringValue
                var existing: Device?
                if let id { existing = try await store.device(id: id) }
                var device = try validated(description, id: nil, existing: existing, replace: false)
                if let hash = try password(in: description) { device.passwordHash = hash }
                guard seen.insert(device.id).inserted else {
                    throw DeviceRegistryError(.invalid, "device '\(device.id)' appears twice")
                }
                if existing == nil { result.created += 1 } else { result.updated += 1 }
                devices.append(device)
            } catch let error as DeviceRegistryError {
                throw DeviceRegistryError(.invalid, "record \(index + 1): \(error.message)")
            }
        }
        try await store.save(devices)
        for device in devices { remember(device) }
        return result
    }

    private func validated(_ description: JSONObject, id: String?, existing: Device?, replace: Bool)
        throws(DeviceRegistryError) -> Device
    {
        do {
            return try Device(json: description, id: id, existing: existing, replace: replace, now: clock())
        } catch {
            throw DeviceRegistryError(.invalid, error.description)
        }
    }

    /// The hash of the description's `password`, `.some(nil)` when it is `null` (remove), `nil` when absent.
    private func password(in description: JSONObject) throws -> String?? {
        switch description["password"] {
        case .none: return .none
        case .null: return .some(nil)
        case .string(let password) where !password.isEmpty && password.utf8.count <= 256:
            return .some(try hashPassword(password))
        default: throw DeviceRegistryError(.invalid, "password: expected a string of 1 to 256 bytes")
        }
    }
}
