module.exports = {
  displayName: 'nx-docker',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/nx-docker',
};
