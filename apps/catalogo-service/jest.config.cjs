module.exports = {
  displayName: 'catalogo-service',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/catalogo-service',
  // Integration tests talk to a real PostgreSQL and spawn real processes.
  testTimeout: 30000,
};
