// The entry point. `entroos --version` and `entroos version --client` answer before anything else loads (they
// are what scripts call most); every other command goes through the command definitions in main.ts.
const argv = process.argv.slice(2);
const VERSION = '0.1.0';
if (
  (argv.length === 1 && argv[0] === '--version') ||
  (argv.length === 2 && argv[0] === 'version' && argv[1] === '--client')
) {
  process.stdout.write(argv[0] === '--version' ? `${VERSION}\n` : `Client Version: ${VERSION}\n`);
} else {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `entroos get pods | head`: a closed pipe is not an error.
    if (err.code === 'EPIPE') process.exit(0);
  });
  process.on('SIGINT', () => process.exit(130));
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}

export {};
