// @ts-check
'use strict';
/** Removes the folder globalSetup packed the package into. */
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function globalTeardown() {
	const tarball = process.env.QASE_SCIM_E2E_TARBALL;
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
};
