/**
 * Keeps a client under a number of requests per minute: no 60-second window ever holds
 * more than `perMinute` request starts. Shared by all requests of one node execution.
 */
export class RateLimiter {
	private readonly starts: number[] = [];
	private chain: Promise<void> = Promise.resolve();

	constructor(
		private readonly perMinute: number,
		private readonly sleep: (ms: number) => Promise<void>,
		private readonly now: () => number = Date.now,
	) {}

	/** Resolves when one more request may start. Callers are served in arrival order. */
	async acquire(): Promise<void> {
		if (!(this.perMinute > 0)) return;
		const turn = this.chain.then(async () => await this.waitForSlot());
		this.chain = turn.catch(() => undefined);
		await turn;
	}

	private async waitForSlot(): Promise<void> {
		// A little over a minute, so uneven network delays cannot squeeze 61 requests into the server's minute.
		const windowMs = 60_250;
		for (;;) {
			const now = this.now();
			while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();
			if (this.starts.length < this.perMinute) {
				this.starts.push(now);
				return;
			}
			await this.sleep(this.starts[0] + windowMs - now + 1);
		}
	}
}
