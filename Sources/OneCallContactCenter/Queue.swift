import OneCallCore

/// A queue of outbound calls: which hours it keeps, which number it calls from, and which flow a call runs.
///
/// In `queues.json`: `{"name": "support", "hours": "business", "outbound_caller_id": "+15550100",
/// "outbound_flow": "onecall-default"}`; only `name` is required.
public struct Queue: Sendable, Hashable {
    /// The queue's name, which rosters refer to.
    public var name: String
    /// The name of its ``HoursOfOperation``; nil means always open.
    public var hours: String?
    /// The caller id presented on its calls.
    public var outboundCallerID: PhoneNumber?
    /// The flow its calls run (default ``ContactFlow/oneCallDefaultName``).
    public var outboundFlow: String

    /// A queue from values.
    public init(
        name: String, hours: String? = nil, outboundCallerID: PhoneNumber? = nil,
        outboundFlow: String = ContactFlow.oneCallDefaultName
    ) {
        self.name = name
        self.hours = hours
        self.outboundCallerID = outboundCallerID
        self.outboundFlow = outboundFlow
    }

    /// The queue used when `queues.json` defines none, and by rosters that name no queue.
    public static let defaultName = "default"

    /// Reads one entry of `queues.json`.
    public init(value: JSONValue, file: String, position: Int) throws(ContactCenterDefinitionError) {
        var fields = try DefinitionFields(value, file: file, item: "queues[\(position)]")
        let name = try fields.requiredString("name", maximumBytes: 128)
        guard !name.isEmpty else { throw fields.error(.invalidValue, "'name' cannot be empty") }
        fields.item = name
        var callerID: PhoneNumber?
        if let text = try fields.string("outbound_caller_id", maximumBytes: 64) {
            do {
                callerID = try PhoneNumber(text)
            } catch {
                throw ContactCenterDefinitionError(
                    code: .invalidDestination, file: file, item: name,
                    reason: "outbound_caller_id: \(error.description)", detail: error.debugDescription)
            }
        }
        self.init(
            name: name, hours: try fields.string("hours", maximumBytes: 128), outboundCallerID: callerID,
            outboundFlow: try fields.string("outbound_flow", maximumBytes: 128) ?? ContactFlow.oneCallDefaultName)
    }
}
