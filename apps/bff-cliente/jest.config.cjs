module.exports = {
  displayName: 'bff-cliente',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/bff-cliente',
  // Integration tests talk to a real PostgreSQL and spawn real processes.
  testTimeout: 30000,
};
