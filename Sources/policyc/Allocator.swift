import CMimalloc
import Foundation

/// mimalloc, the process's malloc (CMimalloc links it ahead of libc), configured here and only here,
/// through its public options.
///
/// Its heap is backed with 2 MiB pages where the kernel allows (transparent huge pages). Commands that
/// build policy models (`Policyc.modelCommands`) have it commit every segment of a thread's heap as a
/// whole, the first one included, and run on a thread of their own (`onFreshHeap`). A 10 MB diff
/// touches 150 MiB of fresh memory: it took 19,000 page faults at first, 9,800 with these settings on
/// the main thread, and 700 with the fresh thread. `notify` is left out: it keeps a bounded heap on
/// several threads, and whole first segments took its peak RSS from 87 to 102 MB.
///
/// The `MIMALLOC_*` environment variables would do the same, but mimalloc reads them as the process
/// starts, before `main` could set them; the options set here override them.
enum Allocator {
    /// Runs `body` on a new thread and waits for it. The main thread's heap was made before `main`
    /// (the runtime and the libraries allocate as they load), so before the settings here: its
    /// memory came in 4 KiB pages, one fault each. A thread started now gets a heap made with them.
    static func onFreshHeap(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        // The main thread's size (ulimit -s), which the parser's nesting limits were set against.
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
    }

    static func useLargePages() {
        mi_option_set_enabled(mi_option_large_os_pages, true)
    }

    static func commitHeapsWhole() {
        mi_option_set(mi_option_eager_commit_delay, 0)
    }
}
