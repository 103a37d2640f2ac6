/// What a flow run knows about its contact: attributes, ids, endpoints, the queue, hours and the time.
public struct ContactFlowContext: Sendable {
    /// The contact's user-defined attributes (`$.Attributes.*`): for OneCall's calls, `unique_id`, `device_id`,
    /// `error_code`, `title`, `steps`, `site`, ….
    public var attributes: [String: String]
    /// `$.ContactId` (OneCall uses the call id).
    public var contactID: String
    /// `$.CustomerEndpoint.Address`: the number or URI that was called.
    public var customerAddress: String?
    /// `$.SystemEndpoint.Address`: the caller id presented.
    public var systemAddress: String?
    /// `$.Queue.Name`.
    public var queueName: String?
    /// Looks up hours of operation by id or name; nil asks for the queue's hours.
    public var hours: @Sendable (String?) -> HoursOfOperation?
    /// The time the run starts, in seconds since 1970; used for hours checks.
    public var now: Double
    /// The time of each transcript entry; defaults to `now` for every entry.
    public var clock: @Sendable () -> Double
    /// The most actions one run may execute before it ends with ``ContactFlowRun/Ending/stepLimit`` (a loop).
    public var stepLimit: Int

    /// A context; `hours` defaults to none (a `CheckHoursOfOperation` then takes its error branch).
    public init(
        attributes: [String: String] = [:], contactID: String, customerAddress: String? = nil,
        systemAddress: String? = nil, queueName: String? = nil,
        hours: @escaping @Sendable (String?) -> HoursOfOperation? = { _ in nil }, now: Double,
        clock: (@Sendable () -> Double)? = nil, stepLimit: Int = 500
    ) {
        self.attributes = attributes
        self.contactID = contactID
        self.customerAddress = customerAddress
        self.systemAddress = systemAddress
        self.queueName = queueName
        self.hours = hours
        self.now = now
        self.clock = clock ?? { now }
        self.stepLimit = max(1, stepLimit)
    }
}
