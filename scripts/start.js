// @ts-check
'use strict';

/**
 * `npm start`: n8n 2.41.1 on 127.0.0.1:5678 with this package installed, the owner account set
 * up, a "Qase SCIM account" credential and the templates imported, against a seeded Qase SCIM
 * sandbox on 127.0.0.1:8787 (or a real workspace: QASE_SCIM_BASE_URL + QASE_SCIM_TOKEN), and
 * the sample directory on 127.0.0.1:8788. n8n's data and the sandbox's users are kept in
 * <cache>/demo-2.41.1/ across runs. Ctrl-C stops everything it started.
 *
 * Settings: PORT or N8N_PORT (5678), SANDBOX_PORT (8787), SANDBOX_TOKEN (kept random token),
 * QASE_SCIM_BASE_URL + QASE_SCIM_TOKEN, N8N_LOG=1 to see n8n's log.
 */

const { startDemoEnvironment, stopOnSignals, portSetting } = require('./demo-environment');

/** The nightly template fetches the sample directory from this fixed URL by default. */
const DIRECTORY_PORT = 8788;

async function main() {
	stopOnSignals();
	const env = process.env;
	const demo = await startDemoEnvironment({
		persistent: true,
		n8nPort: portSetting(env.PORT || env.N8N_PORT, 'PORT / N8N_PORT', 5678),
		sandboxPort: portSetting(env.SANDBOX_PORT, 'SANDBOX_PORT', 8787),
		directoryPort: DIRECTORY_PORT,
		allowRealQase: true,
		activateWebhookTemplates: true,
		echoN8n: env.N8N_LOG === '1',
	});
	const { n8n, owner, sandbox, directory, target } = demo;
	const activated = new Set(demo.activated.map((t) => t.id));
	const lines = [
		'',
		'n8n with the Qase SCIM node is running.',
		'',
		`  Editor:      ${n8n.url}`,
		`  Login:       ${owner.email} / ${owner.password}`,
		`  Credential:  ${demo.credentialNames.map((n) => `"${n}"`).join(', ')} -> ${target.kind === 'sandbox' ? 'the sandbox' : 'Qase'} at ${target.baseUrl}`,
	];
	if (sandbox) {
		lines.push(
			`  Sandbox:     ${sandbox.baseUrl}`,
			// a token the user chose is theirs already (as `npm run sandbox` does)
			`  Token:       ${env.SANDBOX_TOKEN ? '(as given by SANDBOX_TOKEN)' : sandbox.token}`,
		);
	} else {
		lines.push('  Sandbox:     not started (the credential uses QASE_SCIM_BASE_URL and QASE_SCIM_TOKEN)');
	}
	if (directory) lines.push(`  Directory:   ${directory.url} (the nightly template's sample source)`);
	lines.push('', 'Templates:');
	for (const template of demo.templates) {
		lines.push(`  ${template.name}: ${n8n.url}/workflow/${template.id}`);
		for (const { method, url } of demo.webhookUrls(template)) {
			lines.push(`    ${method.padEnd(4)} ${url}${activated.has(template.id) ? '' : '  (publish the workflow to enable it)'}`);
		}
	}
	const verification = demo.activated.flatMap((t) => demo.webhookUrls(t)).find((w) => w.method === 'GET');
	if (verification) lines.push('', `  Okta's verification call: curl -H 'x-okta-verification-challenge: hello' ${verification.url}`);
	lines.push(
		'',
		`${sandbox ? "n8n's data and the sandbox's users are" : "n8n's data is"} kept in ${demo.folder}; delete it to start over.`,
		'Press Ctrl+C to stop n8n, the sandbox and the sample directory.',
	);
	console.log(lines.join('\n'));
	// keep running until a signal: the servers hold the event loop open
}

main().catch((error) => {
	console.error(`npm start failed: ${error instanceof Error ? error.message : error}`);
	process.exit(1);
});
