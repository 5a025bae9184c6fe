/**
 * Runs `task(0..count-1)` with at most `parallelism` under way, taking indexes in order.
 * Stops starting new tasks once `shouldStop` says so; a task's rejection rejects the whole.
 */
export async function forEachConcurrently(
	count: number,
	parallelism: number,
	task: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (!shouldStop() && next < count) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, count)) }, worker));
}
