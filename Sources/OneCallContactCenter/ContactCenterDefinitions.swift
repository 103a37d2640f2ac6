import Foundation
import OneCallCore

/// Everything the contact center is configured with — flows, hours, queues, rosters — loaded together and
/// checked against each other.
///
/// A directory holds `flows/*.json` (flow name = file stem), `hours/*.json` (name = `Name`, else the stem),
/// `queues.json` and `rosters.json` (JSON arrays). Every piece is optional: the built-in flow
/// (``ContactFlow/oneCallDefaultName``) is always present unless a file of that name replaces it, and a
/// ``Queue/defaultName`` queue (always open, default flow) exists unless `queues.json` defines one.
public struct ContactCenterDefinitions: Sendable {
    /// The most flow or hours files read from one directory.
    public static let maximumFiles = 200
    /// The largest `queues.json` or `rosters.json`.
    public static let maximumListBytes = 1 << 20

    /// Flows by name.
    public var flows: [String: ContactFlow]
    /// Hours of operation by name.
    public var hours: [String: HoursOfOperation]
    /// Queues by name.
    public var queues: [String: Queue]
    /// Rosters in file order.
    public var rosters: [Roster]

    /// Definitions from values, cross-checked like a loaded directory. The built-in flow and default queue are
    /// added when missing.
    public init(
        flows: [ContactFlow] = [], hours: [HoursOfOperation] = [], queues: [Queue] = [], rosters: [Roster] = [],
        file: String = "<values>"
    ) throws(ContactCenterDefinitionError) {
        var flowMap: [String: ContactFlow] = [ContactFlow.oneCallDefaultName: .oneCallDefault]
        for flow in flows { flowMap[flow.name] = flow }
        var hoursMap: [String: HoursOfOperation] = [:]
        for entry in hours {
            guard hoursMap[entry.name] == nil else {
                throw ContactCenterDefinitionError(
                    code: .duplicateIdentifier, file: file, item: entry.name,
                    reason: "more than one hours of operation has this name")
            }
            hoursMap[entry.name] = entry
        }
        var queueMap: [String: Queue] = [:]
        for queue in queues {
            guard queueMap[queue.name] == nil else {
                throw ContactCenterDefinitionError(
                    code: .duplicateIdentifier, file: file, item: queue.name,
                    reason: "more than one queue has this name")
            }
            queueMap[queue.name] = queue
        }
        if queueMap[Queue.defaultName] == nil { queueMap[Queue.defaultName] = Queue(name: Queue.defaultName) }
        var names: Set<String> = []
        for roster in rosters {
            guard names.insert(roster.name).inserted else {
                throw ContactCenterDefinitionError(
                    code: .duplicateIdentifier, file: file, item: roster.name,
                    reason: "more than one roster has this name")
            }
        }
        self.flows = flowMap
        self.hours = hoursMap
        self.queues = queueMap
        self.rosters = rosters
        try validateReferences(queueFile: file, rosterFile: file)
    }

    /// Loads a definitions directory (see the type's description). A missing directory gives the defaults.
    public init(directory: URL) throws(ContactCenterDefinitionError) {
        let manager = FileManager.default
        func read(_ url: URL, limit: Int) throws(ContactCenterDefinitionError) -> Data {
            let path = url.path
            let size = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= limit else {
                throw ContactCenterDefinitionError(
                    code: .tooLarge, file: path, item: "(file)", reason: "\(size) bytes is over the limit of \(limit)")
            }
            do {
                return try Data(contentsOf: url)
            } catch {
                throw ContactCenterDefinitionError(
                    code: .unreadable, file: path, item: "(file)",
                    reason: "cannot be read: \(error.localizedDescription)")
            }
        }
        func jsonFiles(_ folder: String) throws(ContactCenterDefinitionError) -> [URL] {
            let url = directory.appendingPathComponent(folder)
            guard let names = try? manager.contentsOfDirectory(atPath: url.path) else { return [] }
            let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            guard files.count <= Self.maximumFiles else {
                throw ContactCenterDefinitionError(
                    code: .tooLarge, file: url.path, item: "(directory)",
                    reason: "\(files.count) files is over the limit of \(Self.maximumFiles)")
            }
            return files.map { url.appendingPathComponent($0) }
        }
        func stem(_ url: URL) -> String { url.deletingPathExtension().lastPathComponent }

        var flows: [ContactFlow] = []
        for url in try jsonFiles("flows") {
            let data = try read(url, limit: ContactFlow.maximumBytes)
            flows.append(try ContactFlow(json: data, name: stem(url), file: url.path))
        }
        var hours: [HoursOfOperation] = []
        var hoursFiles: [String: String] = [:]
        for url in try jsonFiles("hours") {
            let data = try read(url, limit: HoursOfOperation.maximumBytes)
            let entry = try HoursOfOperation(json: data, file: url.path, defaultName: stem(url))
            if let other = hoursFiles[entry.name] {
                throw ContactCenterDefinitionError(
                    code: .duplicateIdentifier, file: url.path, item: entry.name,
                    reason: "the name is already used by \(other)")
            }
            hoursFiles[entry.name] = url.path
            hours.append(entry)
        }
        func list(_ name: String) throws(ContactCenterDefinitionError) -> (String, [JSONValue]) {
            let url = directory.appendingPathComponent(name)
            guard manager.fileExists(atPath: url.path) else { return (url.path, []) }
            let data = try read(url, limit: Self.maximumListBytes)
            let value = try DefinitionFields.parse(data, file: url.path, maximumBytes: Self.maximumListBytes)
            guard let elements = value.arrayValue else {
                throw ContactCenterDefinitionError(
                    code: .invalidValue, file: url.path, item: "(file)", reason: "expected a JSON array")
            }
            return (url.path, elements)
        }
        let (queueFile, queueValues) = try list("queues.json")
        var queues: [Queue] = []
        for (position, value) in queueValues.enumerated() {
            queues.append(try Queue(value: value, file: queueFile, position: position))
        }
        let (rosterFile, rosterValues) = try list("rosters.json")
        var rosters: [Roster] = []
        for (position, value) in rosterValues.enumerated() {
            rosters.append(try Roster(value: value, file: rosterFile, position: position))
        }
        var seenQueues: Set<String> = []
        for queue in queues where !seenQueues.insert(queue.name).inserted {
            throw ContactCenterDefinitionError(
                code: .duplicateIdentifier, file: queueFile, item: queue.name,
                reason: "more than one queue has this name")
        }
        var seenRosters: Set<String> = []
        for roster in rosters where !seenRosters.insert(roster.name).inserted {
            throw ContactCenterDefinitionError(
                code: .duplicateIdentifier, file: rosterFile, item: roster.name,
                reason: "more than one roster has this name")
        }
        var flowMap: [String: ContactFlow] = [ContactFlow.oneCallDefaultName: .oneCallDefault]
        for flow in flows { flowMap[flow.name] = flow }
        var queueMap = Dictionary(queues.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if queueMap[Queue.defaultName] == nil { queueMap[Queue.defaultName] = Queue(name: Queue.defaultName) }
        self.flows = flowMap
        self.hours = Dictionary(hours.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.queues = queueMap
        self.rosters = rosters
        try validateReferences(queueFile: queueFile, rosterFile: rosterFile)
    }

    /// Checks that every name a definition uses exists.
    private func validateReferences(queueFile: String, rosterFile: String) throws(ContactCenterDefinitionError) {
        for queue in queues.values.sorted(by: { $0.name < $1.name }) {
            if let name = queue.hours, hours[name] == nil {
                throw ContactCenterDefinitionError(
                    code: .unknownReference, file: queueFile, item: queue.name,
                    reason: "hours '\(name)' is not defined (hours/*.json)")
            }
            if flows[queue.outboundFlow] == nil {
                throw ContactCenterDefinitionError(
                    code: .unknownReference, file: queueFile, item: queue.name,
                    reason: "outbound_flow '\(queue.outboundFlow)' is not defined (flows/*.json)")
            }
        }
        for roster in rosters {
            if let name = roster.queue, queues[name] == nil {
                throw ContactCenterDefinitionError(
                    code: .unknownReference, file: rosterFile, item: roster.name,
                    reason: "queue '\(name)' is not defined (queues.json)")
            }
            for person in roster.operators {
                if let name = person.hours, hours[name] == nil {
                    throw ContactCenterDefinitionError(
                        code: .unknownReference, file: rosterFile, item: "\(roster.name) operator \(person.name)",
                        reason: "hours '\(name)' is not defined (hours/*.json)")
                }
            }
        }
        for flow in flows.values.sorted(by: { $0.name < $1.name }) {
            for (action, name) in flow.staticHoursOfOperationIDs where hours[name] == nil {
                throw ContactCenterDefinitionError(
                    code: .unknownReference, file: flow.file, item: action,
                    reason: "HoursOfOperationId '\(name)' is not defined (hours/*.json)")
            }
        }
    }

    /// The roster for `deviceID`: the one with the most specific matching pattern (an exact id beats a glob,
    /// a glob with more literal characters beats one with fewer, any glob beats `*`); ties go to the roster
    /// listed first. Nil when none matches.
    public func roster(forDevice deviceID: String) -> Roster? {
        var best: (roster: Roster, specificity: DevicePattern.Specificity, literals: Int)?
        for roster in rosters {
            guard let match = roster.bestMatch(forDevice: deviceID) else { continue }
            let rank = (match.specificity, match.literalCount)
            if let current = best, (current.specificity, current.literals) >= rank { continue }
            best = (roster, rank.0, rank.1)
        }
        return best?.roster
    }

    /// The queue a roster's calls go through.
    public func queue(for roster: Roster) -> Queue {
        queues[roster.queue ?? Queue.defaultName] ?? Queue(name: roster.queue ?? Queue.defaultName)
    }

    /// The flow a queue's calls run (the built-in flow if the name is unknown, which loading prevents).
    public func flow(for queue: Queue) -> ContactFlow {
        flows[queue.outboundFlow] ?? .oneCallDefault
    }

    /// An hours lookup for a flow run on `queue`: nil asks for the queue's hours (always open when it has
    /// none); a name looks it up.
    public func hoursLookup(for queue: Queue) -> @Sendable (String?) -> HoursOfOperation? {
        let hours = self.hours
        let queueHours = queue.hours.flatMap { hours[$0] } ?? .always(name: "\(queue.name) (always open)")
        return { name in
            guard let name else { return queueHours }
            return hours[name]
        }
    }

    /// An escalation policy for `roster` with these hours.
    public func escalationPolicy(for roster: Roster) -> EscalationPolicy {
        EscalationPolicy(roster: roster, hours: hours)
    }
}
