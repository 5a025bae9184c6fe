// @ts-check
// Copies the node and credential icons next to the compiled code, where n8n looks for them.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.svg', 'nodes/**/*.png', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(
		dest('dist/'),
	),
);
