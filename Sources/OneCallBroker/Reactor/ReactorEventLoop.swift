#if os(Linux)
    import Atomics
    import COneCallReactor
    import Dispatch
    import Glibc
    import NIOConcurrencyHelpers
    import NIOCore

    /// A descriptor registered with a ``ReactorEventLoop``'s epoll set. A class rather than a protocol so
    /// that the loop's table holds one pointer per connection.
    class ReactorHandle {
        /// The descriptor is ready; `events` are epoll's bits.
        func ready(_ events: UInt32) {}
        /// Called on the loop about twice a second, for deadlines.
        func tick(now: NIODeadline) {}
    }

    /// One thread of the broker's own reactor: an epoll loop that runs posted tasks and timers, and so
    /// is a SwiftNIO `EventLoop` that futures, promises and `scheduleTask` work on.
    ///
    /// Plain-TCP MQTT connections live here rather than in SwiftNIO channels because an idle device
    /// should cost the broker a few hundred bytes: a channel with its pipeline, contexts, promises and
    /// pooled receive buffer costs several kilobytes. Reads go into one scratch buffer per loop and
    /// are copied out at their exact size; an idle connection holds no buffer at all.
    final class ReactorEventLoop: EventLoop, @unchecked Sendable {
        private static let sweepInterval = TimeAmount.milliseconds(500)

        private let epoll: CInt
        private let wakeDescriptor: CInt
        private let name: String

        // Posted from any thread, guarded by `lock`.
        private let lock = NIOLock()
        private var posted: [@Sendable () -> Void] = []
        private let signalled = ManagedAtomic(false)

        // The loop's thread only.
        /// What is registered, by descriptor (which is also its epoll user data).
        private var handles: [CInt: ReactorHandle] = [:]
        /// Scheduled tasks, earliest first (a binary heap).
        private var timerHeap: [TimerEntry] = []
        private var nextSweep = NIODeadline.now()
        /// Where reads land before they are copied out at their exact size.
        let scratch: UnsafeMutableRawBufferPointer

        init(name: String) throws {
            let epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
            guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
            let wake = eventfd(0, CInt(EFD_NONBLOCK | EFD_CLOEXEC))
            guard wake >= 0, onecall_epoll_ctl(epoll, EPOLL_CTL_ADD, wake, EPOLLIN.rawValue, UInt64(wake)) == 0
            else {
                let error = IOError(errnoCode: errno, reason: wake < 0 ? "eventfd" : "epoll_ctl")
                if wake >= 0 { Glibc.close(wake) }
                Glibc.close(epoll)
                throw error
            }
            self.epoll = epoll
            self.wakeDescriptor = wake
            self.name = name
            scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        }

        /// Starts the loop's thread; it runs for the life of the process.
        func start() {
            let box = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let result = pthread_create(
                &thread, nil,
                { argument in
                    let loop = Unmanaged<ReactorEventLoop>.fromOpaque(argument!).takeRetainedValue()
                    loop.run()
                    return nil
                }, box.toOpaque())
            precondition(result == 0, "pthread_create failed: \(result)")
            pthread_detach(thread)
        }

        // MARK: Registration (on the loop)

        /// Adds `descriptor` to the epoll set for `events`.
        func register(_ handle: ReactorHandle, descriptor: CInt, events: UInt32) throws {
            guard onecall_epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, events, UInt64(descriptor)) == 0 else {
                throw IOError(errnoCode: errno, reason: "epoll_ctl(ADD)")
            }
            handles[descriptor] = handle
        }

        /// Changes the events watched for a registered descriptor.
        func reregister(_ descriptor: CInt, events: UInt32) {
            _ = onecall_epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, events, UInt64(descriptor))
        }

        /// Removes a descriptor from the epoll set (before it is closed). A readiness already read for
        /// it in this round finds no handle, or a new connection that got the same descriptor, which
        /// then reads nothing.
        func deregister(_ descriptor: CInt) {
            _ = onecall_epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, 0, 0)
            handles[descriptor] = nil
        }

        /// Every registered handle (on the loop).
        var registered: [ReactorHandle] { Array(handles.values) }

        // MARK: EventLoop

        var inEventLoop: Bool {
            onecall_current_loop() == Unmanaged.passUnretained(self).toOpaque()
        }

        func execute(_ task: @escaping @Sendable () -> Void) {
            lock.withLock { posted.append(task) }
            if !signalled.exchange(true, ordering: .acquiringAndReleasing) {
                _ = eventfd_write(wakeDescriptor, 1)
            }
        }

        func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
            let promise: EventLoopPromise<T> = makePromise()
            let entry = TimerEntry(deadline: deadline) {
                // Runs on this loop, where the promise may take a value that is not Sendable.
                do {
                    promise.assumeIsolatedUnsafeUnchecked().succeed(try task())
                } catch {
                    promise.fail(error)
                }
            }
            if inEventLoop {
                addTimer(entry)
            } else {
                execute { self.addTimer(entry) }
            }
            // A cancelled entry stays in the heap until its deadline and is skipped then; the flag
            // works from any thread, before or after the entry reached the heap.
            return Scheduled(promise: promise) { entry.cancelled.store(true, ordering: .relaxed) }
        }

        func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
            scheduleTask(deadline: .now() + delay, task)
        }

        func preconditionInEventLoop(file: StaticString, line: UInt) {
            precondition(inEventLoop, "not on \(name)", file: file, line: line)
        }

        func preconditionNotInEventLoop(file: StaticString, line: UInt) {
            precondition(!inEventLoop, "on \(name)", file: file, line: line)
        }

        func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
            // The reactor's loops live as long as the process, like SwiftNIO's singleton group.
            queue.async { callback(EventLoopError.unsupportedOperation) }
        }

        // MARK: The loop

        private func addTimer(_ entry: TimerEntry) {
            timerHeap.append(entry)
            var child = timerHeap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard timerHeap[child].deadline < timerHeap[parent].deadline else { break }
                timerHeap.swapAt(child, parent)
                child = parent
            }
        }

        private func popTimer() -> TimerEntry {
            let top = timerHeap[0]
            let last = timerHeap.removeLast()
            if !timerHeap.isEmpty {
                timerHeap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    let right = left + 1
                    var smallest = parent
                    if left < timerHeap.count && timerHeap[left].deadline < timerHeap[smallest].deadline {
                        smallest = left
                    }
                    if right < timerHeap.count && timerHeap[right].deadline < timerHeap[smallest].deadline {
                        smallest = right
                    }
                    guard smallest != parent else { break }
                    timerHeap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }

        /// Milliseconds until the next timer or sweep, rounded up.
        private func timeout(now: NIODeadline) -> CInt {
            var next = nextSweep
            if let first = timerHeap.first, first.deadline < next { next = first.deadline }
            guard next > now else { return 0 }
            let nanoseconds = (next - now).nanoseconds
            return CInt(min((nanoseconds + 999_999) / 1_000_000, 60_000))
        }

        private func run() {
            onecall_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
            name.withCString { onecall_set_thread_name($0) }
            let capacity: CInt = 256
            let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
            while true {
                let count = epoll_wait(epoll, events, capacity, timeout(now: .now()))
                if count < 0 && errno != EINTR {
                    fatalError("epoll_wait failed on \(name): errno \(errno)")
                }
                for i in 0..<Int(max(count, 0)) {
                    let descriptor = CInt(truncatingIfNeeded: onecall_epoll_data(events + i))
                    if descriptor == wakeDescriptor {
                        var value: eventfd_t = 0
                        _ = eventfd_read(wakeDescriptor, &value)
                    } else if let handle = handles[descriptor] {
                        handle.ready(onecall_epoll_events(events + i))
                    }
                }
                runPosted()
                let now = NIODeadline.now()
                while let first = timerHeap.first, first.deadline <= now {
                    let due = popTimer()
                    if !due.cancelled.load(ordering: .relaxed) { due.task() }
                }
                if now >= nextSweep {
                    nextSweep = now + Self.sweepInterval
                    for handle in handles.values { handle.tick(now: now) }
                }
            }
        }

        private func runPosted() {
            guard signalled.load(ordering: .acquiring) else { return }
            signalled.store(false, ordering: .releasing)
            let tasks = lock.withLock {
                let tasks = posted
                posted.removeAll(keepingCapacity: true)
                return tasks
            }
            for task in tasks { task() }
        }
    }

    /// A task scheduled on a ``ReactorEventLoop``; it runs on the loop only.
    private final class TimerEntry: @unchecked Sendable {
        let deadline: NIODeadline
        let task: () -> Void
        let cancelled = ManagedAtomic(false)

        init(deadline: NIODeadline, task: @escaping () -> Void) {
            self.deadline = deadline
            self.task = task
        }
    }

    /// The reactor's loops, one per core, started on first use and kept for the life of the process.
    final class ReactorGroup: Sendable {
        /// The process's loops, or why they could not be made (say, no descriptors left for epoll):
        /// then the first plain-TCP listener fails to bind with that error.
        static let shared = Result { try ReactorGroup() }

        let loops: [ReactorEventLoop]
        private let nextIndex = ManagedAtomic(0)

        private init() throws {
            let count = max(1, System.coreCount)
            loops = try (0..<count).map { index in try ReactorEventLoop(name: "onecall-mqtt-\(index)") }
            for loop in loops { loop.start() }
        }

        /// The loops in turn.
        func next() -> ReactorEventLoop {
            loops[nextIndex.loadThenWrappingIncrement(ordering: .relaxed) % loops.count]
        }
    }
#endif
