/// Eugene Myers' O(ND) difference algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986).
///
/// Returns the edit script as runs over the two sequences. When the edit distance passes `maxCost`
/// it gives up finding the shortest script and reports the rest as one deletion and one insertion:
/// a redline of two unrelated texts is not worth quadratic time.
enum MyersDiff {
    enum Operation: Equatable {
        case equal, insert, delete
    }

    struct Run: Equatable {
        var operation: Operation
        /// Range in the old sequence (delete, equal) or the new one (insert).
        var oldRange: Range<Int>
        var newRange: Range<Int>
    }

    static func diff<T: Equatable>(_ old: [T], _ new: [T], maxCost: Int = 1_000) -> [Run] {
        // Common prefix and suffix cost nothing and shrink the search.
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
              old[old.count - 1 - suffix] == new[new.count - 1 - suffix] {
            suffix += 1
        }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        var runs: [Run] = []
        if prefix > 0 { runs.append(Run(operation: .equal, oldRange: 0..<prefix, newRange: 0..<prefix)) }
        for run in middle(a, b, maxCost: maxCost) {
            runs.append(Run(operation: run.operation,
                            oldRange: (run.oldRange.lowerBound + prefix)..<(run.oldRange.upperBound + prefix),
                            newRange: (run.newRange.lowerBound + prefix)..<(run.newRange.upperBound + prefix)))
        }
        if suffix > 0 {
            runs.append(Run(operation: .equal, oldRange: (old.count - suffix)..<old.count,
                            newRange: (new.count - suffix)..<new.count))
        }
        return merge(runs)
    }

    private static func middle<T: Equatable>(_ a: [T], _ b: [T], maxCost: Int) -> [Run] {
        let n = a.count, m = b.count
        if n == 0, m == 0 { return [] }
        if n == 0 { return [Run(operation: .insert, oldRange: 0..<0, newRange: 0..<m)] }
        if m == 0 { return [Run(operation: .delete, oldRange: 0..<n, newRange: 0..<0)] }
        let maxD = min(n + m, maxCost)
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...maxD {
            // Only diagonals -(d+1)…d+1 matter at step d: keeping just those makes the trace O(D²), not O(D·N).
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
                k += 2
            }
        }
        guard found else {
            return [Run(operation: .delete, oldRange: 0..<n, newRange: 0..<0),
                    Run(operation: .insert, oldRange: n..<n, newRange: 0..<m)]
        }
        // Walk the trace back from (n, m), one edit per step.
        var runs: [Run] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let base = d + 1
            let k = x - y
            let previousK: Int
            if d == 0 {
                previousK = 0
            } else if k == -d || (k != d && v[base + k - 1] < v[base + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : v[base + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                runs.append(Run(operation: .equal, oldRange: (x - 1)..<x, newRange: (y - 1)..<y))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX {
                    runs.append(Run(operation: .insert, oldRange: x..<x, newRange: (y - 1)..<y))
                } else {
                    runs.append(Run(operation: .delete, oldRange: (x - 1)..<x, newRange: y..<y))
                }
            }
            x = previousX
            y = previousY
        }
        return runs.reversed()
    }

    /// Joins adjacent runs of the same operation.
    private static func merge(_ runs: [Run]) -> [Run] {
        var merged: [Run] = []
        for run in runs where !(run.oldRange.isEmpty && run.newRange.isEmpty) {
            if var last = merged.last, last.operation == run.operation,
               last.oldRange.upperBound == run.oldRange.lowerBound, last.newRange.upperBound == run.newRange.lowerBound {
                last.oldRange = last.oldRange.lowerBound..<run.oldRange.upperBound
                last.newRange = last.newRange.lowerBound..<run.newRange.upperBound
                merged[merged.count - 1] = last
            } else {
                merged.append(run)
            }
        }
        return merged
    }
}
