module.exports = {
  displayName: 'bff-venta',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/bff-venta',
  // Integration tests talk to a real PostgreSQL and spawn real processes.
  testTimeout: 30000,
};
