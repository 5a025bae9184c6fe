// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const WRITE_DELAY_MS = 100;

/**
 * Keeps a JSON snapshot in a file: writes are coalesced (a burst of writes costs one file
 * write) and atomic (temporary file + rename, so a crash never leaves half a file).
 */
class JsonFilePersistence {
	/**
	 * @param {string} file
	 * @param {() => unknown} snapshot produces the state to write
	 */
	constructor(file, snapshot) {
		this.file = path.resolve(file);
		this.snapshot = snapshot;
		/** @type {NodeJS.Timeout | undefined} */
		this.timer = undefined;
	}

	/** The saved state, or undefined when there is no file yet. */
	load() {
		if (!fs.existsSync(this.file)) return undefined;
		return JSON.parse(fs.readFileSync(this.file, 'utf8'));
	}

	/** Asks for a write soon. */
	schedule() {
		if (this.timer) return;
		this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
		this.timer.unref();
	}

	/** Writes now if a write is pending. */
	flush() {
		if (!this.timer) return;
		clearTimeout(this.timer);
		this.timer = undefined;
		const temporary = `${this.file}.${process.pid}.tmp`;
		fs.mkdirSync(path.dirname(this.file), { recursive: true });
		fs.writeFileSync(temporary, JSON.stringify(this.snapshot()));
		fs.renameSync(temporary, this.file);
	}
}

module.exports = { JsonFilePersistence };
