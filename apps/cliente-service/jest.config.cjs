module.exports = {
  displayName: 'cliente-service',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/cliente-service',
  // Integration tests talk to a real PostgreSQL and spawn real processes.
  testTimeout: 30000,
};
