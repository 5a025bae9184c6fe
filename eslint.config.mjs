// The linter configuration n8n ships for community packages, applied to the whole repository.
import { config } from '@n8n/node-cli/eslint';

export default config;
