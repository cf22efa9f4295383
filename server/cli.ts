/**
 * CLI entry: `tsx server/cli.ts --help`. The only module with side effects
 * at load time; everything else is imported as factories.
 */
import { startServer } from './app';
import { parseCliArgs, USAGE, type CliCommand } from './cli-args';
import { DEMO_PASSWORD, USERS } from './fixtures';

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    console.info(USAGE);
    return;
  }
  const server = await startServer(command.options);
  console.info(
    `Frostline reference backend on ${server.url} (Socket.IO path /socket.io/, WebSocket only)`,
  );
  // What the extension's options page asks for (issue #10): sign-in goes through Stack Auth.
  console.info('Stack Auth (enter these on the options page, with the server URL):');
  console.info(`  Project ID:             ${server.stack.projectId}`);
  console.info(`  Publishable client key: ${server.stack.publishableClientKey}`);
  console.info(`  Auth API URL:           ${server.stack.apiUrl}`);
  console.info(
    `Users (password "${DEMO_PASSWORD}"): ${USERS.map((user) => user.email).join(', ')}`,
  );
  console.info(
    `Development shortcut (not used by the extension): POST ${server.url}/api/auth/login`,
  );
  if (command.options.control)
    console.info(`Control interface: ${server.url}/control/* (loopback only)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      // A second signal means the operator does not want to wait.
      process.exit(1);
    }
    stopping = true;
    console.info(`${signal}: disconnecting clients and shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main().catch((error: unknown) => {
  console.error('failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
